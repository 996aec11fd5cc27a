"""The editors' workspace. Every save, publication, status change, deletion and merge goes through
`services`, so the admin obeys the same rules as the API and the importers."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from unmask.cleantext import CleanTextMixin
from unmask.record import services
from unmask.record.models import (
    Citation,
    Identifier,
    Link,
    LinkStatus,
    LinkStatusEvent,
    Organization,
    OrganizationName,
    OrganizationText,
    Product,
    Response,
    ResponseStatus,
    Site,
    Source,
)

# --- forms ----------------------------------------------------------------------------------------


class ReasonForm(CleanTextMixin, forms.ModelForm):
    """Every change says why; the reason is kept in the record's history."""

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=500,
        help_text=_("Required when changing a record. Kept in its public history."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk
            and self.has_changed()
            and not (cleaned.get("change_reason") or "").strip()
        ):
            self.add_error(
                "change_reason", _("Say why: a reason is required when changing a record.")
            )
        return cleaned


class OrganizationForm(ReasonForm):
    confirm_not_duplicate = forms.BooleanField(
        label=_("I checked: this is not a duplicate"),
        required=False,
        help_text=_(
            "Shown when an organization with the same name and country, the same identifier,"
            " or likely the same name exists."
        ),
    )

    class Meta:
        model = Organization
        fields = ["name", "kind", "country", "description", "description_language"]

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name and not cleaned.get("confirm_not_duplicate"):
            renaming = self.instance.pk and (
                "name" in self.changed_data or "country" in self.changed_data
            )
            if not self.instance.pk or renaming:
                country = cleaned.get("country") or ""
                matches = services.find_duplicate_organizations(
                    name,
                    str(country),
                    identifiers=self._inline_values("identifiers", "scheme", "value"),
                    aliases=[name for (name,) in self._inline_values("names", "name")],
                    exclude=self.instance if self.instance.pk else None,
                )
                if matches:
                    raise services.DuplicateOrganization(matches)
        return cleaned

    def _inline_values(self, prefix: str, *fields: str) -> list[tuple[str, ...]]:
        """Values typed into an inline of the same page (other names, identifiers), so that the
        duplicate check sees them before anything is saved."""
        try:
            total = int(self.data.get(f"{prefix}-TOTAL_FORMS", 0))
        except ValueError:
            return []
        rows = []
        for i in range(min(total, 200)):
            if self.data.get(f"{prefix}-{i}-DELETE"):
                continue
            row = tuple((self.data.get(f"{prefix}-{i}-{field}") or "").strip() for field in fields)
            if all(row):
                rows.append(row)
        return rows


class LinkForm(ReasonForm):
    new_status = forms.ChoiceField(
        label=_("Change status to"),
        required=False,
        choices=[("", "—"), *LinkStatus.choices],
    )
    status_note = forms.CharField(
        label=_("Why the status changes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status_effective = forms.CharField(
        label=_("Status effective on"), required=False, help_text=_("2019, 2019-05 or 2019-05-17")
    )

    class Meta:
        model = Link
        fields = [
            "subject",
            "relation",
            "object",
            "product",
            "start",
            "end",
            "share",
            "amount",
            "currency",
            "summary",
        ]

    def clean(self):
        cleaned = super().clean()
        new_status = cleaned.get("new_status")
        user = getattr(self, "user", None)
        if (
            new_status == LinkStatus.CONFIRMED
            and user is not None
            and not user.has_perm("record.publish_link")
        ):
            self.add_error("new_status", _("Only a reviewer can confirm a link."))
        elif new_status and self.instance.pk:
            errors = services.status_change_errors(
                self.instance,
                new_status,
                note=cleaned.get("status_note") or "",
                effective=cleaned.get("status_effective") or "",
                start=cleaned.get("start", self.instance.start),
            )
            fields = {
                "status": "new_status",
                "note": "status_note",
                "effective": "status_effective",
            }
            for key, message in errors.items():
                self.add_error(fields[key], message)
        return cleaned


class ActionReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class MergeForm(ActionReasonForm):
    keep = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Keep"), widget=forms.RadioSelect
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = organizations


# --- shared behaviour -----------------------------------------------------------------------------


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", _("Not deleted")), ("yes", _("Deleted"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class PublishedFilter(admin.SimpleListFilter):
    title = _("published")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", _("Published")), ("no", _("Not published"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(published_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(published_at__isnull=True)
        return queryset


def apply_to_each(request, objects, func, done_message: str, **kwargs) -> None:
    """Apply a service to each object; refusals are reported one by one, not swallowed."""
    done = 0
    for obj in objects:
        try:
            with transaction.atomic():
                func(obj, actor=request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{obj}: {text}")
    if done:
        messages.success(request, done_message % {"count": done})


def with_reason(modeladmin, request, queryset, func, title: str, done_message: str):
    """An admin action that asks for a reason on an intermediate page."""
    if "apply" in request.POST:
        form = ActionReasonForm(request.POST)
        if form.is_valid():
            apply_to_each(request, queryset, func, done_message, reason=form.cleaned_data["reason"])
            return None
    else:
        form = ActionReasonForm()
    return render(
        request,
        "admin/record/reason_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
        },
    )


@admin.action(description=_("Delete selected (soft, reversible)"))
def soft_delete_selected(modeladmin, request, queryset):
    return with_reason(
        modeladmin,
        request,
        queryset,
        services.soft_delete,
        _("Delete, with a reason"),
        _("%(count)d deleted."),
    )


@admin.action(description=_("Restore selected"))
def restore_selected(modeladmin, request, queryset):
    return with_reason(
        modeladmin,
        request,
        queryset,
        services.restore,
        _("Restore, with a reason"),
        _("%(count)d restored."),
    )


@admin.action(description=_("Publish selected"))
def publish_selected(modeladmin, request, queryset):
    apply_to_each(request, queryset, services.publish, _("%(count)d published."))


@admin.action(description=_("Unpublish selected"))
def unpublish_selected(modeladmin, request, queryset):
    return with_reason(
        modeladmin,
        request,
        queryset,
        services.unpublish,
        _("Unpublish, with a reason"),
        _("%(count)d unpublished."),
    )


class RecordAdmin(SimpleHistoryAdmin):
    """Saves through services, replaces hard deletion with soft deletion, shows history with diffs."""

    form = ReasonForm
    actions = [soft_delete_selected, restore_selected]
    readonly_fields = ["public_id", "created_at", "updated_at", "deleted_at"]
    list_per_page = 50

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False  # records are never erased from the admin; use the soft delete action

    # Publication, deletion, status and merges have their own actions with their own rules; a
    # revert from the history page restores content only and keeps these as they are now.
    STATE_FIELDS = (
        "public_id",
        "created_at",
        "published_at",
        "published_by",
        "deleted_at",
        "status",
        "merged_into",
    )

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        if "/history/" in request.path:
            current = type(obj).objects.get(pk=obj.pk)
            for field in self.STATE_FIELDS:
                if hasattr(current, field):
                    setattr(obj, field, getattr(current, field))
            reason = _("Reverted to an earlier version: %(reason)s") % {
                "reason": reason or _("no reason given")
            }
        elif change and not form.has_changed():
            return  # only inlines changed; they are saved, with the reason, in save_formset
        services.save_record(obj, actor=request.user, reason=reason)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        reason = form.cleaned_data.get("change_reason") or ""
        for obj in formset.deleted_objects:
            if hasattr(obj, "deleted_at"):
                services.soft_delete(
                    obj, actor=request.user, reason=reason or _("Removed in the editor")
                )
            else:
                services.remove_detail(
                    obj, actor=request.user, reason=reason or _("Removed in the editor")
                )
        for obj in instances:
            services.save_record(
                obj, actor=request.user, reason=reason or _("Edited with its parent")
            )
        formset.save_m2m()

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.deleted_at:
            return _("deleted")
        if getattr(obj, "published_at", None):
            return _("published")
        return _("draft") if hasattr(obj, "published_at") else "—"


# The bookkeeping of a publishable record, folded away at the foot of its form.
RECORD_FIELDSET = (
    _("Record"),
    {
        "fields": [
            "public_id",
            "published_at",
            "published_by",
            "created_at",
            "updated_at",
            "deleted_at",
        ],
        "classes": ["collapse"],
    },
)


class PublishableAdmin(RecordAdmin):
    actions = [publish_selected, unpublish_selected, soft_delete_selected, restore_selected]
    readonly_fields = [*RecordAdmin.readonly_fields, "published_at", "published_by"]


# --- inlines --------------------------------------------------------------------------------------


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "locator", "note"]
    verbose_name_plural = _("citations: the evidence for this claim")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(deleted_at__isnull=True).select_related("source")
        )


class NameInline(admin.TabularInline):
    model = OrganizationName
    extra = 1
    fields = ["name", "kind", "language"]


class DescriptionTextInline(admin.StackedInline):
    """The description in other languages; the name and everything else stay as they are."""

    model = OrganizationText
    extra = 0
    fields = ["language", "description"]


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 1
    fields = ["scheme", "value", "country"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "role", "city", "country", "precision"]
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=True)


class StatusEventInline(admin.TabularInline):
    model = LinkStatusEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "old_status", "new_status", "effective", "note", "created_by"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False


class ResponseInline(admin.StackedInline):
    model = Response
    fk_name = "link"
    extra = 0
    fields = ["organization", "received_on", "channel", "text", "status"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# --- model admins ---------------------------------------------------------------------------------


class ImportedDraftsFilter(admin.SimpleListFilter):
    """Imported organizations still in draft whose rows carried sources: what a reviewer checks
    and publishes in bulk after an import (exchange/drafts.py; the staff bar links here)."""

    title = _("import")
    parameter_name = "imported"

    def lookups(self, request, model_admin):
        return [("ready", _("Imported drafts with sources"))]

    def queryset(self, request, queryset):
        if self.value() == "ready":
            from unmask.exchange.drafts import ready_to_publish  # the exchange builds on us

            return ready_to_publish(queryset)
        return queryset


@admin.action(description=_("Publish selected drafts that have sources, with a reason"))
def publish_cited_selected(modeladmin, request, queryset):
    """Bulk publication after an import: only drafts with at least one live citation are
    offered; each goes through services.publish with the reason given, in its own
    transaction, and a refusal (a deleted record ...) is reported by name."""
    cited = Citation.objects.alive().filter(organization=OuterRef("pk"))
    ready = queryset.filter(published_at__isnull=True, deleted_at__isnull=True).filter(
        Exists(cited)
    )
    if not ready.exists():
        messages.error(request, _("None of the selected is a draft with a source."))
        return None
    if "apply" not in request.POST and (left := queryset.count() - ready.count()):
        messages.warning(
            request,
            ngettext(
                "%(count)d of the selected is left out: no source, or published or deleted already.",
                "%(count)d of the selected are left out: no source, or published or deleted already.",
                left,
            )
            % {"count": left},
        )
    return with_reason(
        modeladmin,
        request,
        ready,
        services.publish,
        _("Publish, with a reason"),
        _("%(count)d published."),
    )


@admin.register(Organization)
class OrganizationAdmin(PublishableAdmin):
    form = OrganizationForm
    list_display = ["name", "kind", "country", "state", "missing_translations", "updated_at"]
    list_filter = ["kind", "country", PublishedFilter, DeletedFilter, ImportedDraftsFilter]
    search_fields = ["name", "names__name", "identifiers__value", "public_id"]
    inlines = [NameInline, IdentifierInline, DescriptionTextInline, CitationInline, SiteInline]
    actions = [*PublishableAdmin.actions, publish_cited_selected, "merge_selected"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "country", "description", "description_language"]}),
        (_("Why"), {"fields": ["change_reason", "confirm_not_duplicate"]}),
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    @admin.display(description=_("missing translations"))
    def missing_translations(self, obj):
        return ", ".join(obj.missing_languages()) or "—"

    @admin.action(description=_("Merge two selected organizations"))
    def merge_selected(self, request, queryset):
        if queryset.count() != 2:
            messages.error(request, _("Select exactly two organizations to merge."))
            return None
        if "apply" in request.POST:
            form = MergeForm(request.POST, organizations=queryset)
            if form.is_valid():
                keep = form.cleaned_data["keep"]
                drop = queryset.exclude(pk=keep.pk).get()
                try:
                    services.merge_organizations(
                        keep, drop, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
                    return None
                messages.success(
                    request, _("Merged “%(drop)s” into “%(keep)s”.") % {"drop": drop, "keep": keep}
                )
                return None
        else:
            form = MergeForm(organizations=queryset)
        return render(
            request,
            "admin/record/reason_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge two organizations"),
                "objects": queryset,
                "form": form,
                "action": "merge_selected",
                "opts": self.model._meta,
                "explain": _(
                    "Links, sites, products, citations, replies, names and identifiers move to the one you keep. The other's name becomes an alias and its address redirects."
                ),
            },
        )


@admin.register(Site)
class SiteAdmin(PublishableAdmin):
    list_display = ["__str__", "role", "city", "country", "precision", "state"]
    list_filter = ["role", "precision", "country", PublishedFilter, DeletedFilter]
    search_fields = ["name", "city", "address", "organization__name"]
    autocomplete_fields = ["organization"]
    inlines = [CitationInline]
    fields = [
        "organization",
        "name",
        "role",
        "address",
        "city",
        "country",
        "latitude",
        "longitude",
        "precision",
        "change_reason",
        "public_id",
    ]


@admin.register(Product)
class ProductAdmin(PublishableAdmin):
    list_display = ["name", "kind", "maker", "part_of", "state"]
    list_filter = ["kind", PublishedFilter, DeletedFilter]
    search_fields = ["name", "maker__name"]
    autocomplete_fields = ["maker", "part_of"]
    inlines = [CitationInline]
    fields = ["name", "kind", "maker", "part_of", "description", "change_reason", "public_id"]


@admin.register(Link)
class LinkAdmin(PublishableAdmin):
    form = LinkForm
    list_display = ["subject", "relation", "object", "product", "status", "start", "end", "state"]
    list_filter = ["relation", "status", PublishedFilter, DeletedFilter]
    search_fields = ["subject__name", "object__name", "product__name", "summary"]
    autocomplete_fields = ["subject", "object", "product"]
    list_select_related = ["subject", "object", "product"]
    inlines = [CitationInline, StatusEventInline, ResponseInline]
    fieldsets = [
        (None, {"fields": ["subject", "relation", "object", "product", "summary"]}),
        (_("Dates and figures"), {"fields": ["start", "end", "share", "amount", "currency"]}),
        (_("Status"), {"fields": ["status", "new_status", "status_effective", "status_note"]}),
        (_("Why"), {"fields": ["change_reason"]}),
        RECORD_FIELDSET,
    ]
    readonly_fields = [*PublishableAdmin.readonly_fields, "status"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        new_status = form.cleaned_data.get("new_status")
        if not change and new_status:
            obj.status = new_status
        super().save_model(request, obj, form, change)
        if change and new_status:
            services.change_status(
                obj,
                new_status,
                note=form.cleaned_data["status_note"],
                actor=request.user,
                effective=form.cleaned_data.get("status_effective", ""),
            )


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ["title", "publisher", "kind", "published_on", "citation_count"]
    list_filter = ["kind", "language", DeletedFilter]
    search_fields = ["title", "publisher", "url"]
    fields = [
        "title",
        "publisher",
        "kind",
        "url",
        "published_on",
        "language",
        "archive_url",
        "archived_file",
        "retrieved_on",
        "notes",
        "change_reason",
        "public_id",
    ]

    @admin.display(description=_("citations"))
    def citation_count(self, obj):
        return obj.citations.count()


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    list_display = ["__str__", "target"]
    search_fields = ["quote", "source__title"]
    autocomplete_fields = ["source", "organization", "site", "product", "link"]
    list_select_related = ["source"]


@admin.register(Response)
class ResponseAdmin(RecordAdmin):
    list_display = ["organization", "link", "received_on", "channel", "status"]
    list_filter = ["status", "channel", DeletedFilter]
    search_fields = ["organization__name", "text"]
    autocomplete_fields = ["organization", "link"]
    actions = ["publish_selected", soft_delete_selected, restore_selected]
    fields = [
        "organization",
        "link",
        "received_on",
        "channel",
        "text",
        "url",
        "document",
        "contact_email",
        "status",
        "change_reason",
        "public_id",
    ]
    readonly_fields = [*RecordAdmin.readonly_fields, "status"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == ResponseStatus.PUBLISHED:
            fields += ["organization", "link", "received_on", "channel", "text", "url", "document"]
        return fields

    @admin.action(description=_("Publish selected replies"))
    def publish_selected(self, request, queryset):
        apply_to_each(
            request,
            queryset.exclude(status=ResponseStatus.PUBLISHED),
            services.publish_response,
            _("%(count)d published."),
        )
