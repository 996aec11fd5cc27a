from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from unmask.pages.models import Page, PageText


class PageTextInline(admin.StackedInline):
    model = PageText
    extra = 0
    fields = ["language", "title", "body"]


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    """The home page's introduction and the methodology, with their translations. Every edit is
    kept in the history and can be reverted there."""

    list_display = ["__str__", "language", "missing", "updated_at"]
    fields = ["slug", "language", "title", "body"]
    inlines = [PageTextInline]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # which page it is does not change

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    @admin.display(description=_("missing translations"))
    def missing(self, obj):
        return ", ".join(obj.missing_languages()) or "—"

    def view_on_site(self, obj):
        return obj.get_absolute_url()
