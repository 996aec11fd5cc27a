"""The moderators' workspace: the queue of submitted actions, with what a decision needs on one
line (when, where, who, the call, a likely duplicate), and bulk publish, reject and cancel.
Every decision goes through `services`, so the admin obeys the same rules as the public form."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from unmask.campaign import moderation, services, times
from unmask.campaign.models import Action, ActionTarget, Call, CallTarget, CallText, LocalGroup
from unmask.record.admin import ReasonForm, apply_to_each, with_reason


@admin.action(description=_("Publish selected actions"))
def publish_selected(modeladmin, request, queryset):
    apply_to_each(request, queryset, services.publish_action, _("%(count)d published."))


@admin.action(description=_("Reject selected actions, with a reason"))
def reject_selected(modeladmin, request, queryset):
    return with_reason(
        modeladmin,
        request,
        queryset,
        services.reject_action,
        _("Reject, with a reason the submitters will see"),
        _("%(count)d rejected."),
    )


@admin.action(description=_("Cancel selected actions, with a reason"))
def cancel_selected(modeladmin, request, queryset):
    return with_reason(
        modeladmin,
        request,
        queryset,
        services.cancel_action,
        _("Cancel, with a reason readers will see"),
        _("%(count)d cancelled."),
    )


@admin.action(description=_("Publish selected calls"))
def publish_calls(modeladmin, request, queryset):
    apply_to_each(request, queryset, services.publish_call, _("%(count)d published."))


@admin.action(description=_("Withdraw selected calls, with a reason"))
def withdraw_calls(modeladmin, request, queryset):
    return with_reason(
        modeladmin,
        request,
        queryset,
        services.withdraw_call,
        _("Withdraw, with a reason kept in the history"),
        _("%(count)d withdrawn."),
    )


def _https_urls(field, **kwargs):
    """Form fields for the admin forms: a URL typed without a scheme is https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class TargetInline(admin.TabularInline):
    """What a call or an action is aimed at, in order: one organization, site or product a
    row. Saved through services.write_targets (TargetsAdminMixin), so the history keeps who
    changed them and why."""

    extra = 1
    autocomplete_fields = ["organization", "site", "product"]
    fields = ["position", "organization", "site", "product"]


class CallTargetInline(TargetInline):
    model = CallTarget


class CallTextInline(admin.StackedInline):
    """The call in other languages: one identity, several texts (its targets, period and
    actions are the call's)."""

    model = CallText
    extra = 0
    fields = ["language", "title", "body"]


class ActionTargetInline(TargetInline):
    model = ActionTarget


class TargetsAdminMixin:
    def save_formset(self, request, form, formset, change):
        if formset.model not in (CallTarget, ActionTarget):
            return super().save_formset(request, form, formset, change)
        kept = []
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            thing = data.get("organization") or data.get("site") or data.get("product")
            if thing is not None:
                kept.append((data.get("position") or 0, len(kept), thing))
        things = [thing for _pos, _i, thing in sorted(kept, key=lambda k: k[:2])]
        reason = form.cleaned_data.get("change_reason") or _("Targets changed")
        if services.write_targets(formset.instance, things, actor=request.user, reason=reason):
            self.message_user(request, _("Targets saved."))
        # What the admin's change message reads; the history of the targets says the rest.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


class ActionForm(ReasonForm):
    class Meta:
        model = Action
        formfield_callback = _https_urls
        fields = [
            "title",
            "kind",
            "description",
            "online",
            "online_url",
            "address",
            "city",
            "country",
            "latitude",
            "longitude",
            "call",
            "group",
            "languages",
            "contact_email",
        ]


@admin.register(Action)
class ActionAdmin(TargetsAdminMixin, SimpleHistoryAdmin):
    form = ActionForm
    inlines = [ActionTargetInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "local_start", "place", "group", "call", "status", "duplicate"]
    list_filter = ["status", "kind", "country", "group", "call"]
    search_fields = ["title", "city", "address", "group__name"]
    actions = [publish_selected, reject_selected, cancel_selected]
    list_select_related = ["group", "call"]
    readonly_fields = [
        "status",
        "status_reason",
        "published_at",
        "timezone",
        "starts_at",
        "ends_at",
        "recurrence",
        "last_ends_at",
        "sequence",
    ]
    fieldsets = [
        (None, {"fields": ["title", "kind", "description", "call", "group", "languages"]}),
        (_("When"), {"fields": ["timezone", "starts_at", "ends_at", "recurrence", "last_ends_at"]}),
        (
            _("Where"),
            {
                "fields": [
                    "online",
                    "online_url",
                    "address",
                    "city",
                    "country",
                    "latitude",
                    "longitude",
                ]
            },
        ),
        (
            _("Moderation"),
            {"fields": ["status", "status_reason", "published_at", "sequence", "contact_email"]},
        ),
        (_("Why"), {"fields": ["change_reason"]}),
    ]

    def has_add_permission(self, request):
        return False  # actions come from the submission form, which checks times and places

    def get_queryset(self, request):
        """Each row knows whether another action starts at the same time in the same city."""
        return moderation.with_duplicate_flag(super().get_queryset(request))

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, obj):
        return times.local(obj.starts_at, obj.timezone).strftime("%Y-%m-%d %H:%M %Z")

    @admin.display(description=_("place"))
    def place(self, obj):
        return _("online") if obj.online and not obj.city else f"{obj.city} ({obj.country})"

    @admin.display(description=_("likely duplicate"), boolean=True, ordering="likely_duplicate")
    def duplicate(self, obj):
        return obj.likely_duplicate

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name != "change_reason"
        }
        fresh = Action.objects.get(pk=obj.pk)
        services.update_action(
            fresh, actor=request.user, reason=form.cleaned_data.get("change_reason") or "", **fields
        )


class GroupForm(ReasonForm):
    class Meta:
        model = LocalGroup
        formfield_callback = _https_urls
        fields = [
            "name",
            "city",
            "country",
            "website",
            "description",
            "contact_email",
            "trusted",
            "members",
            "change_reason",
        ]


@admin.register(LocalGroup)
class LocalGroupAdmin(SimpleHistoryAdmin):
    form = GroupForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "city", "country", "trusted"]
    list_filter = ["trusted", "country"]
    search_fields = ["name", "city"]
    filter_horizontal = ["members"]

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason") or _("Created")
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class CallForm(ReasonForm):
    class Meta:
        model = Call
        fields = [
            "title",
            "body",
            "language",
            "starts_on",
            "ends_on",
            "change_reason",
        ]


@admin.register(Call)
class CallAdmin(TargetsAdminMixin, SimpleHistoryAdmin):
    form = CallForm
    inlines = [CallTextInline, CallTargetInline]
    list_display = ["title", "language", "missing", "starts_on", "ends_on", "published_at"]
    list_filter = ["language"]
    search_fields = ["title", "texts__title"]
    actions = [publish_calls, withdraw_calls]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    @admin.display(description=_("missing translations"))
    def missing(self, obj):
        return ", ".join(obj.missing_languages()) or "—"

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason") or _("Created")
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
