"""Public views of the campaign: upcoming actions as a list and a month calendar, the pages of
actions, groups and calls, the iCalendar feeds, the embeddable list, and the form anyone can
submit an action with, followed through its secret link. Thin: rules live in services.py,
reads in queries.py, the proof of work in pow.py."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from unmask.accounts.throttle import client_key, over_limit, refuse
from unmask.campaign import forms, ics, pow, queries, services, targets, times
from unmask.campaign.models import Action, ActionKind, ActionStatus
from unmask.record import version
from unmask.web import atom, cards
from unmask.web.embed import embeddable
from unmask.web.payloads import derived_response
from unmask.web.replica import reads_primary

RECENT_DAYS = 30  # ended actions stay in the feeds this long; calendars keep their own copy
PAGE_SIZE = 50
DAY_PAGE_SIZE = 20  # under the month's grid, which fills the page already


def _filter_context(filters: queries.ActionFilters) -> dict:
    params = filters.as_params()
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return {
        "filters": filters,
        "params": params,
        "query": query,
        "kinds": ActionKind.choices,
        "calls": queries.public_calls().order_by("-starts_on", "title"),
        "countries": queries.action_countries(),
    }


def upcoming(request):
    filters = queries.ActionFilters.from_params(request.GET)
    pages = Paginator(queries.UpcomingPages(filters), PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/actions.html",
        {**_filter_context(filters), "page": page, "page_path": request.get_full_path()},
    )


def _month(value: str) -> tuple[int, int]:
    """The month asked for (YYYY-MM), this month when none or an unreadable one is; a 404 for a
    month outside the years an action may fall in."""
    try:
        year, month = (int(p) for p in value.split("-", 1))
        date(year, month, 1)
    except (ValueError, TypeError):
        today = timezone.localdate()
        return today.year, today.month
    if not times.EARLIEST_YEAR <= year <= times.latest_year():
        raise Http404
    return year, month


def month(request):
    """The month's calendar; with ?day= (a day of its grid), that day's actions listed under it,
    DAY_PAGE_SIZE a page (?page=): a busy day shows its first few in the grid and how many more
    there are."""
    filters = queries.ActionFilters.from_params(request.GET)
    year, number = _month(request.GET.get("month", ""))
    first = date(year, number, 1)
    before = first - timedelta(days=1)
    after = first + timedelta(days=32)
    weeks = queries.month_grid(year, number, filters)
    chosen = _day(request.GET.get("day", ""), weeks)
    chosen_day = next((d for week in weeks for d in week if d.day == chosen), None)
    # The chosen day's actions, a page at a time: a busy day of a big campaign holds hundreds.
    day_page = None
    if chosen_day:
        day_page = Paginator(chosen_day.starts, DAY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/calendar.html",
        {
            **_filter_context(filters),
            "weeks": weeks,
            "first": first,
            "month_value": f"{year}-{number:02d}",
            "previous_month": f"{before.year}-{before.month:02d}",
            "next_month": f"{after.year}-{after.month:02d}",
            "chosen_day": chosen,
            "day_iso": chosen.isoformat() if chosen else "",
            "day_page": day_page,
            "day_occurrences": queries.day_occurrences(day_page.object_list) if day_page else [],
            "page_path": request.get_full_path(),
        },
    )


def _day(value: str, weeks) -> date | None:
    """The day asked for (YYYY-MM-DD) if it is in the month's grid; None otherwise."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if weeks[0][0].day <= day <= weeks[-1][-1].day else None


def action(request, public_id: str, slug: str = ""):
    item = get_object_or_404(queries.public_actions(), public_id=public_id)
    if slug != item.slug:
        return redirect(item, permanent=True)
    now = timezone.now()
    occurrences = [
        queries.Occurrence(item, *(times.local(t, item.timezone) for t in pair))
        for pair in times.occurrences(item.starts_at, item.ends_at, item.timezone, item.recurrence)
    ]
    return render(
        request,
        "campaign/action.html",
        {
            "action": item,
            "next": queries.next_occurrence(item, now),
            "occurrences": occurrences[:52],
            "ended": item.last_ends_at < now,
            "targets": targets.public_targets(item),
            "og_image": _og_image(request, item, _action_card(item, now)),
        },
    )


def _ics_response(
    request, actions, *, kind: str, params: dict, filename: str, name: str | None = ""
):
    """`name` is the calendar's name (X-WR-CALNAME); None for a file of one event, which
    calendar apps then add to a calendar of the reader's instead of offering a new one."""
    host = request.get_host()
    modified = queries.feeds_modified()

    def build():
        return ics.calendar_parts(
            actions.order_by("starts_at", "pk"),
            name=settings.SITE_NAME if name == "" else name,
            host=atom.site_host(),  # UIDs are the site's, whatever Host the request named
            base_url=f"{request.scheme}://{host}",
        )

    response = derived_response(
        request,
        kind,
        {**params, "host": host, "lang": get_language(), "day": timezone.now().date().isoformat()},
        build,
        "text/calendar; charset=utf-8",
        scope=version.CAMPAIGN,
        last_modified=modified,
    )
    if response.status_code == 200:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def actions_ics(request):
    """Published (and cancelled) actions, upcoming and of the last month, optionally for one call
    (`?call=<public id>`), one country (`?country=DE`), one group (`?group=<public id>`)..."""
    try:
        filters = queries.ActionFilters.from_params(request.GET, strict=True)
    except queries.InvalidFilter as error:
        return bad_filter(error)
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    actions = filters.apply(queries.public_actions().filter(last_ends_at__gte=since))
    return _ics_response(
        request,
        actions,
        kind="ics",
        params=filters.as_params(),
        filename="actions.ics",
        name=queries.calendar_name(settings.SITE_NAME, filters),
    )


def bad_filter(error: queries.InvalidFilter) -> HttpResponse:
    """A feed or calendar asked for with a filter value the API would refuse: a short 400, not
    the whole calendar as if nothing were filtered."""
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


def action_ics(request, public_id: str):
    """One action, to add to a calendar: one VEVENT (a repeating action with its RRULE), no
    calendar name. A webcal:// subscription to one event would mean nothing, so there is none."""
    item = get_object_or_404(queries.public_actions(), public_id=public_id)
    actions = queries.public_actions().filter(pk=item.pk)
    response = _ics_response(
        request,
        actions,
        kind="ics-one",
        params={"id": public_id},
        filename=f"{item.slug}.ics",
        name=None,
    )
    if response.status_code == 200:
        # A file to open, not a calendar to subscribe to: saved under the action's name, and
        # handed by phones (text/calendar) to their calendar app, which offers to add the event.
        response["Content-Disposition"] = f'attachment; filename="{item.slug}.ics"'
    return response


def group(request, public_id: str, slug: str = ""):
    item = queries.public_group(public_id)
    if item is None:
        raise Http404
    if slug != item.slug:
        return redirect(item, permanent=True)
    filters = queries.ActionFilters(group=item.public_id)
    return render(
        request,
        "campaign/group.html",
        {
            "group": item,
            "upcoming": queries.upcoming(filters),
            "past": queries.past(queries.public_actions().filter(group=item)),
            "params": filters.as_params(),
        },
    )


def calls(request):
    items = queries.public_calls().order_by("-starts_on", "title")
    return render(request, "campaign/calls.html", {"calls": items})


def call(request, public_id: str, slug: str = ""):
    item = get_object_or_404(queries.public_calls(), public_id=public_id)
    if slug != item.slug:
        return redirect(item, permanent=True)
    filters = queries.ActionFilters(call=item.public_id)
    return render(
        request,
        "campaign/call.html",
        {
            "call": item,
            "text": item.text(),
            "call_languages": item.languages(),
            "evidence": targets.evidence(item),
            "upcoming": queries.upcoming(filters),
            "past": queries.past(queries.public_actions().filter(call=item)),
            "params": filters.as_params(),
            "og_image": _og_image(request, item, _call_card(item)),
        },
    )


# --- preview images (web/cards.py): per version of the record and the campaign -----------------

CARD_SCOPES = (version.RECORD, version.CAMPAIGN)


def _og_image(request, item, card: cards.Card) -> dict:
    name = "campaign:call-card" if item._meta.model_name == "call" else "campaign:action-card"
    path = reverse(name, args=[item.public_id, item.slug])
    alt = f"{card.title} — {card.context}" if card.context else card.title
    return cards.og_image(request, path, alt, scopes=CARD_SCOPES)


def _call_card(item) -> cards.Card:
    """A call's title in the reader's language, and its period."""
    period = ""
    if item.starts_on:
        period = format_date(item.starts_on, "j M Y")
        if item.ends_on:
            period = f"{period} – {format_date(item.ends_on, 'j M Y')}"
    return cards.Card(title=item.text().title, context=period, kicker=_("Call to action"))


def _action_card(item, now) -> cards.Card:
    """An action's title, and the date of its next (or last) occurrence and its place."""
    shown = queries.next_occurrence(item, now)
    starts = shown.starts if shown else times.local(item.starts_at, item.timezone)
    parts = [format_date(starts, "j F Y, H:i"), item.place]
    if item.status == ActionStatus.CANCELLED:
        parts.insert(0, _("Cancelled."))
    context = " · ".join(str(p) for p in parts if p)
    return cards.Card(title=item.title, context=context, kicker=item.get_kind_display())


def call_card(request, public_id: str, slug: str):
    item = get_object_or_404(queries.public_calls(), public_id=public_id)
    if slug != item.slug:
        return redirect(reverse("campaign:call-card", args=[item.public_id, item.slug]))
    return cards.card_response(
        request, "call", {"call": item.public_id}, lambda: _call_card(item), scopes=CARD_SCOPES
    )


def action_card(request, public_id: str, slug: str):
    item = get_object_or_404(queries.public_actions(), public_id=public_id)
    if slug != item.slug:
        return redirect(reverse("campaign:action-card", args=[item.public_id, item.slug]))
    card = _action_card(item, timezone.now())
    return cards.card_response(
        request,
        "action",
        {"action": item.public_id, "context": card.context},
        lambda: card,
        scopes=CARD_SCOPES,
    )


@embeddable
def embed_actions(request):
    """Upcoming actions alone, for a group's or a call's website: the same filters as the list,
    and ?limit= (at most 100). Framed only by the origins in UNMASK_EMBED_ANCESTORS."""
    filters = queries.ActionFilters.from_params(request.GET)
    try:
        limit = max(1, min(100, int(request.GET.get("limit", 20))))
    except ValueError:
        limit = 20
    response = render(
        request,
        "campaign/embed_actions.html",
        {"occurrences": queries.upcoming(filters, limit=limit), **_filter_context(filters)},
    )
    return response


EMBED_CALL_ACTIONS = 5  # the next actions an embedded call lists


@embeddable
def embed_call(request, public_id: str):
    """A call to action for other sites' frames: its title and the start of its text in the
    reader's language, its next actions, a link to the call. Framed as the other embeds."""
    item = get_object_or_404(queries.public_calls(), public_id=public_id)
    filters = queries.ActionFilters(call=item.public_id)
    return render(
        request,
        "campaign/embed_call.html",
        {
            "call": item,
            "text": item.text(),
            "call_url": item.get_absolute_url(),
            "occurrences": queries.upcoming(filters, limit=EMBED_CALL_ACTIONS),
        },
    )


# --- submitting -------------------------------------------------------------------------------
def challenge(request):
    """A fresh proof-of-work challenge for the widget. Never cached, sets no cookie."""
    response = JsonResponse(pow.challenge())
    add_never_cache_headers(response)
    return response


def _form_context(form, **extra) -> dict:
    return {
        "form": form,
        "group_names": forms.public_groups(),
        "challenge_url": reverse("campaign:challenge"),
        **extra,
    }


def targets_json(request):
    """The submission form's picker: organizations (with their sites) and products matching
    ?q=, from the public record. Public data, cached like the record's pages."""
    found = targets.search(request.GET.get("q", ""))
    response = JsonResponse(
        {"results": [c.as_json() for c in found]}, json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, public=True, max_age=60)
    return response


def zone_json(request):
    """The time zone of a place for the action form (submit.js): ?latitude=&longitude= (a
    point), and/or ?country= (a country whose clocks all agree). {"zone": "Europe/Berlin"}, or
    "" when the place does not tell. Looked up here, offline (times.zone_of_place)."""
    try:
        lat = float(request.GET.get("latitude", ""))
        lon = float(request.GET.get("longitude", ""))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError
    except ValueError:
        lat = lon = None
    country = request.GET.get("country", "")[:2]
    response = JsonResponse({"zone": times.zone_of_place(lat, lon, country)})
    patch_cache_control(response, public=True, max_age=86400)
    return response


def _typed(form) -> dict:
    """What was typed into a bound form, as initial values of a fresh one: the form comes back
    with the picker's results and without error messages for fields not yet filled in."""
    values = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if (
            hasattr(field.widget, "allow_multiple_selected")
            and field.widget.allow_multiple_selected
        ):
            values[name] = form.data.getlist(key)
        elif key in form.data:
            values[name] = form.data.get(key)
    return values


def _with_found(form, form_class):
    """An unbound copy of a bound form holding what was typed and what its target search
    found: shown again without error messages, nothing saved."""
    found = form_class(initial=_typed(form))
    found.found_targets = form.found_targets
    found.chosen_targets = form.chosen_targets
    found.fields["targets"].choices = form.fields["targets"].choices
    found.searched = True
    return found


def submit(request):
    initial = {
        "repeat_count": 4,
        "call": request.GET.get("call", "")[:12] or None,
        "targets": request.GET.getlist("target")[: targets.MAX_TARGETS],
    }
    form = forms.SubmitForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return render(request, "campaign/submit.html", _form_context(form))
    if request.POST.get("find_targets"):
        # Without JavaScript, "Find" sends the form back: the same form with what the search
        # found offered as boxes to tick, nothing lost, nothing submitted.
        found = _with_found(form, forms.SubmitForm)
        return render(request, "campaign/submit.html", _form_context(found))
    limit_key = f"submit:{client_key(request)}"
    if over_limit(limit_key, settings.SUBMIT_LIMIT, 3600):
        # A short page, not the whole form again: this is what a flood of posts gets.
        context = {
            "title": _("Announce an action"),
            "message": _("Too many submissions from here in the last hour. Try again later."),
            "back_url": reverse("campaign:submit"),
            "back_label": _("Announce an action"),
        }
        return refuse(request, limit_key, 3600, context)
    if not form.is_valid():
        return render(request, "campaign/submit.html", _form_context(form), status=400)
    verdict = pow.verify(request.POST.get("altcha", ""))
    if not verdict.ok:
        context = _form_context(form, pow_error=verdict.message)
        return render(request, "campaign/submit.html", context, status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():  # a group named by a refused action is not kept
            group = services.group_for(
                data.get("group_name", ""),
                city=data.get("city", ""),
                country=data.get("country", ""),
            )
            _item, token = services.submit_action(
                form.when(),
                actor=request.user,
                targets=form.chosen(),
                group=group,
                contact_email=data.get("contact_email", ""),
                **form.fields_for_action(),
            )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render(request, "campaign/submit.html", _form_context(form), status=400)
    return redirect(reverse("campaign:manage", args=[token]) + "?new=1")


def _by_token(token: str) -> Action:
    if not token or len(token) > 64:
        raise Http404
    item = Action.objects.filter(
        edit_token_hash=services.token_hash(token), deleted_at__isnull=True
    ).first()
    if item is None:
        raise Http404
    return item


@never_cache
@reads_primary  # right after the form: the replica may not have the action yet
def manage(request, token: str):
    """The submitter's secret link: the status, the reason of a decision, an edit form while the
    action waits, and cancelling. Never cached, never indexed, linked from nowhere."""
    item = _by_token(token)
    edit_form = None
    cancel_error = ""
    status = 200
    waiting = item.status == ActionStatus.SUBMITTED
    if request.method == "POST" and request.POST.get("do") == "cancel":
        try:
            services.cancel_action(item, token=token, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as exc:
            cancel_error = " ".join(getattr(exc, "messages", [str(exc)]))
            status = 400
        else:
            return redirect(reverse("campaign:manage", args=[token]) + "?done=cancelled")
    elif request.method == "POST" and request.POST.get("do") == "edit" and waiting:
        edit_form = forms.ActionForm(request.POST)
        if request.POST.get("find_targets"):
            edit_form = _with_found(edit_form, forms.ActionForm)
        elif edit_form.is_valid():
            data = edit_form.cleaned_data
            try:
                with transaction.atomic():
                    group = services.group_for(
                        data.get("group_name", ""),
                        city=data.get("city", ""),
                        country=data.get("country", ""),
                    )
                    services.update_action(
                        item,
                        token=token,
                        when=edit_form.when(),
                        reason=_("Edited by the submitter"),
                        targets=edit_form.chosen(),
                        group=group,
                        **edit_form.fields_for_action(),
                    )
            except ValidationError as exc:
                edit_form.add_service_errors(exc)
            else:
                return redirect(reverse("campaign:manage", args=[token]) + "?done=saved")
        status = 200 if getattr(edit_form, "searched", False) else 400
    if edit_form is None and waiting:
        edit_form = forms.ActionForm(initial=forms.ActionForm.initial_from(item))
    response = render(
        request,
        "campaign/manage.html",
        {
            "action": item,
            "new": request.GET.get("new") == "1",
            # What was just done, said by the address rather than a `messages` cookie.
            "done": {
                "cancelled": _("The action is cancelled."),
                "saved": _("Your changes are saved."),
            }.get(request.GET.get("done", "")),
            "link": request.build_absolute_uri(reverse("campaign:manage", args=[token])),
            "edit_form": edit_form,
            "group_names": forms.public_groups(),
            "cancel_error": cancel_error,
            "can_cancel": item.status in (ActionStatus.SUBMITTED, ActionStatus.PUBLISHED),
            "typed_reason": request.POST.get("reason", ""),
        },
        status=status,
    )
    # The link is the secret: Referrer-Policy stays same-origin at most (web/middleware.py), so
    # no other site ever sees it.
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True)
    return response
