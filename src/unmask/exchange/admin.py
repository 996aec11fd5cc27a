"""Imports in the admin: upload a CSV, see the dry run (created, updated, left alone, ambiguous,
every error with its line and column), apply it, and undo a batch as a whole. The rules are
exchange.importer's, the same as `unmask import`."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from unmask.exchange import importer, intake
from unmask.exchange.models import ImportBatch

TEMPLATE = (
    "id,name,kind,country,description,other_names,identifiers\n"
    ",Example Components Ltd,company,GB,Makes example parts,Example Components|ECL,"
    "registry:01234567|domain:example.org\n"
)
MAX_UPLOAD = 200 * 1024 * 1024
NEEDED = ("record.add_organization", "record.change_organization")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file of organizations (UTF-8, UTF-16 or Windows-1252; separated by commas, "
            "semicolons or tabs), a CSV bundle (.zip) or FollowTheMoney JSON lines."
        ),
    )


def _uploads() -> Path:
    where = Path(settings.VAR_DIR) / "imports"
    where.mkdir(parents=True, exist_ok=True)
    return where


@admin.action(description=_("Undo the selected import batches"))
def undo_batches(modeladmin, request, queryset):
    for batch in queryset:
        try:
            touched = importer.undo(batch, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, f"#{batch.pk}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
            )
        else:
            messages.success(
                request,
                _("Batch #%(n)s undone: %(k)s records put back.") % {"n": batch.pk, "k": touched},
            )


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "created_at",
        "created_by",
        "file_name",
        "created",
        "updated",
        "unchanged",
        "undone_at",
    ]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
    actions = [undo_batches]
    change_list_template = "admin/exchange/importbatch_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perms(NEEDED)

    def has_module_permission(self, request):
        return request.user.has_perms(NEEDED)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="exchange_import"),
            path(
                "template.csv",
                self.admin_site.admin_view(self.template_view),
                name="exchange_import_template",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request):
        response = HttpResponse(TEMPLATE, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="organizations-template.csv"'
        return response

    def import_view(self, request):
        if not request.user.has_perms(NEEDED):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import organizations, a CSV bundle or FollowTheMoney entities"),
        }
        if request.method == "POST" and request.POST.get("apply"):
            digest = request.POST.get("upload", "")
            name = request.POST.get("name", "upload.csv")[:200]
            stored = _uploads() / f"{digest}.csv"
            if not re.fullmatch(r"[0-9a-f]{64}", digest) or not stored.exists():
                messages.error(request, _("The uploaded file is gone; upload it again."))
                return redirect("admin:exchange_import")
            outcome = intake.import_any(stored, actor=request.user, name=name)
            if outcome.ok:
                stored.unlink(missing_ok=True)
                messages.success(
                    request,
                    _("Imported as batch #%(n)s: %(c)s created, %(u)s updated, %(l)s left alone.")
                    % {
                        "n": outcome.batch.pk,
                        "c": outcome.created,
                        "u": outcome.updated,
                        "l": outcome.unchanged,
                    },
                )
                return redirect("admin:exchange_importbatch_changelist")
            return render(
                request,
                "admin/exchange/import.html",
                {**context, "form": UploadForm(), "outcome": outcome},
            )
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error(
                    "file", _("The file is larger than 200 MB: use `unmask import` on the server.")
                )
            else:
                digest = hashlib.sha256()
                stored = _uploads() / "incoming.tmp"
                with stored.open("wb") as handle:
                    for chunk in upload.chunks():
                        digest.update(chunk)
                        handle.write(chunk)
                final = _uploads() / f"{digest.hexdigest()}.csv"
                stored.replace(final)
                outcome = intake.import_any(
                    final, actor=request.user, dry_run=True, name=upload.name
                )
                context.update(outcome=outcome, upload=digest.hexdigest(), name=upload.name)
        context["form"] = form
        context["template_url"] = reverse("admin:exchange_import_template")
        return render(request, "admin/exchange/import.html", context)
