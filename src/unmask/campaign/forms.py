"""The public form for actions: submitted by anyone without an account, edited through the
secret link. Local dates and times in the place's zone; a repetition chosen in words and turned
into an RFC 5545 rule; the group named in words. The services check the rest and their errors
land on the field they concern, so the form always says which field is wrong and why."""

from __future__ import annotations

from functools import cache

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from unmask.campaign import targets as target_refs
from unmask.campaign import times
from unmask.campaign.models import Action, ActionKind, Call, LocalGroup
from unmask.campaign.services import When
from unmask.cleantext import CleanTextMixin
from unmask.web import honeypot
from unmask.web.widgets import QuickSelect, checkbox_items

REPEATS = [
    ("", _("Does not repeat")),
    ("FREQ=WEEKLY", _("Every week")),
    ("FREQ=WEEKLY;INTERVAL=2", _("Every two weeks")),
    ("FREQ=MONTHLY", _("Every month, on the same day")),
]
# Where a service's error about a model field belongs on this form.
FIELD_OF = {
    "starts_at": "start_time",
    "ends_at": "end_time",
    "timezone": "timezone",
    "recurrence": "repeat",
    "group": "group_name",
}


@cache
def zone_names() -> list[str]:
    """The zones offered while typing (the form's datalist): the places' zones, without the
    nautical (Etc/GMT+2) and legacy ones, which the server still accepts when typed."""
    return sorted(
        n for n in times.zone_names() if "/" in n and n.split("/")[0] not in {"Etc", "SystemV"}
    )


def site_language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


_FRESH_LANGUAGE_ITEMS: dict[tuple, SafeString] = {}  # ActionForm._language_items, untouched


@cache
def language_choices() -> list[tuple[str, str]]:
    """The site's languages first (in the menu's order), then the other languages Django
    names, by their own names: checkboxes, the others folded under "More languages"."""
    site = site_language_codes()
    found = {
        code: info["name_local"]
        for code, info in LANG_INFO.items()
        if "name_local" in info and (len(code) == 2 or code in site)
    }
    first = [(code, found[code]) for code in site if code in found]
    rest = sorted(
        ((c, n) for c, n in found.items() if c not in site), key=lambda item: item[1].casefold()
    )
    return first + rest


# What the line above the time-zone field says: the zone and where it comes from. "%(zone)s" is
# the zone's name (Europe/Berlin); submit.js writes the same sentences when the place changes.
ZONE_NOTES = {
    "place": _("Time zone: %(zone)s, from the place"),
    "chosen": _("Time zone: %(zone)s, as you chose"),
    "unknown": _("Time zone: found from the place once you give it"),
}


def zone_note(kind: str, zone: str = "") -> str:
    text = conditional_escape(str(ZONE_NOTES[kind]))
    if "%(zone)s" not in text:
        return mark_safe(text)  # escaped above
    return mark_safe(text.replace("%(zone)s", format_html("<bdi>{}</bdi>", zone)))


# The optional parts of the form, folded in <details> and opened when one of their fields holds
# a value or an error: nothing typed is ever hidden after a refused submission.
PARTS = {
    "about": ("description", "call"),
    "later": ("end_day", "repeat", "repeat_count"),
    "online": ("online", "online_url"),
    "point": ("latitude", "longitude"),
    "targets": ("targets", "target_q"),
    "who": ("group_name", "languages"),
    "contact": ("contact_email",),
    "zone": ("timezone",),
}
ERRORS_ONLY = {"repeat_count"}  # has a default (4): only an error opens its part


class ActionForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of action"), choices=ActionKind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text: what happens, what to bring, accessibility. Markup is shown as typed."
        ),
    )
    start_day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_day = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty when it ends the same day."),
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    timezone = forms.CharField(
        label=_("Time zone"),
        required=False,
        max_length=64,
        help_text=_(
            "Type to search, for example Europe/Berlin. Leave it empty to take the zone of the place."
        ),
        widget=forms.TextInput(
            attrs={
                "list": "zone-names",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "off",
                "dir": "ltr",
            }
        ),
    )
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEATS, required=False)
    repeat_count = forms.IntegerField(
        label=_("How many times in all"),
        required=False,
        min_value=2,
        max_value=52,
        help_text=_("For a repeating action, from 2 to 52."),
    )
    online = forms.BooleanField(label=_("Online action"), required=False)
    online_url = forms.URLField(
        label=_("Online address"), required=False, assume_scheme="https", max_length=200
    )
    address = forms.CharField(
        label=_("Meeting point"),
        required=False,
        max_length=300,
        help_text=_("A public place: a square, a company's gate. Never a home address."),
    )
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    call = forms.ModelChoiceField(
        label=_("The call it answers"),
        queryset=Call.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("None"),
    )
    targets = forms.MultipleChoiceField(
        label=_("Aimed at"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The companies, sites or programs from the record this action is about, if any."
        ),
    )
    target_q = forms.CharField(
        label=_("Find a company, a site or a program"),
        required=False,
        max_length=200,
        help_text=_("Type part of a name, in any script; accents are not needed."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    group_name = forms.CharField(
        label=_("Group"),
        required=False,
        max_length=200,
        help_text=_("The local group that organizes it, if any. Never a person's name."),
        widget=forms.TextInput(attrs={"list": "group-names", "autocomplete": "off"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *countries]
        self._offer_targets()
        self.fields["call"].queryset = Call.objects.public().order_by("-starts_on", "title")

    # --- targets: chosen ones stay checked; a search (target_q) offers more ----------------------
    def _asked(self, name: str) -> list[str]:
        if self.is_bound:
            return self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
        value = self.initial.get(name) or []
        return [value] if isinstance(value, str) else list(value)

    def _value(self, name: str) -> bool:
        """Whether the field holds something typed or given (not its mere default)."""
        if self.is_bound:
            key = self.add_prefix(name)
            values = self.data.getlist(key) if hasattr(self.data, "getlist") else []
            values = values or [self.data.get(key)]
        else:
            values = self.initial.get(name)
            values = values if isinstance(values, list | tuple) else [values]
        return any(v not in (None, "", False) and str(v).strip() for v in values)

    @property
    def open_parts(self) -> dict[str, bool]:
        """Which folded parts open: those holding a value or an error."""
        errors = self.errors if self.is_bound else {}
        shown = {}
        for part, names in PARTS.items():
            shown[part] = any(
                name in self.fields
                and (name in errors or (name not in ERRORS_ONLY and self._value(name)))
                for name in names
            )
        site = set(site_language_codes())
        shown["more_languages"] = any(code not in site for code in self._asked("languages"))
        return shown

    def _raw(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return self.initial.get(name) or ""

    @property
    def zone_shown(self) -> str:
        """The line above the time-zone field: the zone the action gets, and from where."""
        typed = str(self._raw("timezone")).strip()
        if typed in times.zone_names():  # a wrong name is shown in the field, with its error
            return zone_note("chosen", typed)
        try:
            lat, lon = float(self._raw("latitude")), float(self._raw("longitude"))
        except (TypeError, ValueError):
            lat = lon = None
        found = times.zone_of_place(lat, lon, str(self._raw("country")))
        return zone_note("place", found) if found else zone_note("unknown")

    @property
    def zone_strings(self) -> dict[str, str]:
        """The same sentences for submit.js, "%(zone)s" left in for it to fill."""
        return {kind: str(text) for kind, text in ZONE_NOTES.items()}

    @property
    def zone_options(self) -> list[str]:
        return zone_names()

    @property
    def site_languages(self) -> list[str]:
        return site_language_codes()

    def _language_items(self, site: bool) -> SafeString:
        field = self["languages"]
        # A form as it first shows (none ticked, no error) has the same boxes for every reader,
        # in every language (each language's name is its own): written once, not 180 a time.
        fresh = not field.value() and not field.errors
        key = (field.auto_id, field.html_name, site)
        if fresh and key in _FRESH_LANGUAGE_ITEMS:
            return _FRESH_LANGUAGE_ITEMS[key]
        codes = set(site_language_codes())
        items = checkbox_items(
            field,
            lambda code: (code in codes) == site,
            '<li><label for="{id}">{input} <span lang="{value}">{label}</span></label></li>',
        )
        if fresh:
            _FRESH_LANGUAGE_ITEMS[key] = items
        return items

    @property
    def site_language_items(self) -> SafeString:
        """The checkboxes of the site's languages, as list items."""
        return self._language_items(site=True)

    @property
    def other_language_items(self) -> SafeString:
        """The checkboxes of the other languages (folded under "More languages")."""
        return self._language_items(site=False)

    def _offer_targets(self) -> None:
        """Choices: the targets already chosen (described from the record), then what the
        search text finds. Without JavaScript the "Find" button sends the form back to show
        them; with it, submit.js asks campaign:targets and adds them as checked boxes."""
        chosen = []
        try:
            refs = target_refs.parse_refs(self._asked("targets"))
            chosen = [target_refs.describe(t) for t in target_refs.resolve(refs)]
        except ValidationError:
            refs = []
            for value in self._asked("targets"):
                try:
                    found = target_refs.resolve(target_refs.parse_refs([value]))
                except ValidationError:
                    continue
                chosen.append(target_refs.describe(found[0]))
        self.chosen_targets = chosen
        self.found_targets = []
        query = self.data.get(self.add_prefix("target_q"), "") if self.is_bound else ""
        if query:
            known = {c.ref for c in chosen}
            for candidate in target_refs.search(query):
                for c in [candidate, *candidate.sites]:
                    if c.ref not in known:
                        self.found_targets.append(c)
                        known.add(c.ref)
        self.fields["targets"].choices = [
            (c.ref, f"{c.label} ({c.detail})" if c.detail else c.label)
            for c in [*chosen, *self.found_targets]
        ]

    def clean_targets(self):
        try:
            return target_refs.resolve(target_refs.parse_refs(self.cleaned_data.get("targets", [])))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean_timezone(self):
        name = (self.cleaned_data.get("timezone") or "").strip()
        if name:
            try:
                times.zone(name)
            except times.TimeError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return name

    def clean(self):
        data = super().clean()
        self.zone_from_place = False
        if "timezone" in data and not data["timezone"]:
            found = times.zone_of_place(
                data.get("latitude"), data.get("longitude"), data.get("country", "")
            )
            if found:
                data["timezone"] = found
                self.zone_from_place = True
            else:
                self.add_error(
                    "timezone",
                    _(
                        "The time zone cannot be found from the place given: choose it, "
                        "or give the country or the point on the map."
                    ),
                )
        if data.get("repeat") and not data.get("repeat_count"):
            self.add_error("repeat_count", _("Say how many times it happens in all."))
        if data.get("online") and not data.get("online_url") and not data.get("city"):
            self.add_error("online_url", _("Give the address of the online action."))
        if not data.get("online") and not (data.get("city") or data.get("address")):
            self.add_error("city", _("Give the place (at least the city), or mark it online."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    # --- what the services take -------------------------------------------------------------
    def when(self) -> When:
        data = self.cleaned_data
        rule = ""
        if data.get("repeat"):
            rule = f"{data['repeat']};COUNT={data['repeat_count']}"
        return When(
            start_day=data["start_day"],
            start_time=data["start_time"],
            end_day=data.get("end_day") or data["start_day"],
            end_time=data["end_time"],
            zone=data["timezone"],
            recurrence=rule,
        )

    def fields_for_action(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "kind": data["kind"],
            "description": data.get("description", "").strip(),
            "online": bool(data.get("online")),
            "online_url": data.get("online_url", ""),
            "address": data.get("address", "").strip(),
            "city": data.get("city", "").strip(),
            "country": data.get("country", ""),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "call": data.get("call"),
            "languages": ",".join(data.get("languages") or []),
        }

    def chosen(self) -> list:
        """The records the action is aimed at, in the order chosen."""
        return self.cleaned_data.get("targets") or []

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's refusal next to the field it concerns."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = FIELD_OF.get(name, name)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)

    @classmethod
    def initial_from(cls, action: Action) -> dict:
        """The form filled with an action, for the submitter's edit through the secret link."""
        start = times.local(action.starts_at, action.timezone)
        end = times.local(action.ends_at, action.timezone)
        repeat, count = "", None
        if action.recurrence:
            parts = dict(p.split("=", 1) for p in action.recurrence.split(";") if "=" in p)
            count = int(parts.pop("COUNT", 0)) or None
            base = ";".join(f"{k}={v}" for k, v in parts.items())
            repeat = base if base in dict(REPEATS) else ""
        place_zone = times.zone_of_place(
            action.latitude, action.longitude, action.country.code if action.country else ""
        )
        return {
            "title": action.title,
            "kind": action.kind,
            "description": action.description,
            "start_day": start.date(),
            "start_time": start.time(),
            "end_day": end.date() if end.date() != start.date() else None,
            "end_time": end.time(),
            # Empty when it is the place's own zone: moving the place then moves the zone too.
            "timezone": "" if action.timezone == place_zone else action.timezone,
            "repeat": repeat,
            "repeat_count": count,
            "online": action.online,
            "online_url": action.online_url,
            "address": action.address,
            "city": action.city,
            "country": action.country.code if action.country else "",
            "latitude": action.latitude,
            "longitude": action.longitude,
            "call": action.call.public_id if action.call else None,
            "group_name": action.group.name if action.group else "",
            "targets": [t.ref for t in target_refs.public_targets(action)],
            "languages": [c for c in action.languages.split(",") if c],
        }


class SubmitForm(ActionForm):
    """The public form adds the contact e-mail, the honeypot and the proof of work."""

    contact_email = forms.EmailField(
        label=_("Contact e-mail (optional)"),
        required=False,
        help_text=_(
            "Only moderators see it, to ask about the action. It is deleted automatically "
            "%(days)s days after the action ends."
        )
        % {"days": settings.CONTACT_RETENTION_DAYS},
    )
    website = honeypot.field()

    def clean_website(self):
        # Refused like a failed proof of work (pow.py), so that nothing names the trap.
        failed = _("The anti-spam check failed. It runs again; then send the form again.")
        return honeypot.check(self, "website", failed)


def public_groups():
    """Group names a submitter can pick from: groups with a published action, and trusted ones."""
    groups = LocalGroup.objects.public()
    return groups.order_by("name").values_list("name", flat=True).distinct()[:500]
