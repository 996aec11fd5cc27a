"""Imports in the admin: upload a CSV, see the dry run (created, updated, left alone, ambiguous,
every error with its line and column), apply it, and undo a batch as a whole. The rules are
exchange.formats' (through intake), the same as `unmask import`."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from unmask.cleantext import CleanTextMixin
from unmask.exchange import batches, intake
from unmask.exchange.locks import ImportBusy
from unmask.exchange.models import ImportBatch

TEMPLATE = (
    "id,name,kind,country,description,other_names,identifiers\n"
    ",Example Components Ltd,company,GB,Makes example parts,Example Components|ECL,"
    "registry:01234567|domain:example.org\n"
)
MAX_UPLOAD = 200 * 1024 * 1024
NEEDED = ("record.add_organization", "record.change_organization")


class UploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file of organizations (UTF-8, UTF-16 or Windows-1252; separated by commas, "
            "semicolons or tabs), a CSV bundle (.zip) or FollowTheMoney JSON lines."
        ),
    )


SESSION_KEY = "exchange_uploads"
KEPT = 24 * 3600  # an upload not applied is deleted after a day


def _uploads() -> Path:
    """var/uploads/<token>/: one folder per upload, named in the uploader's session only."""
    where = Path(settings.VAR_DIR) / "uploads"
    where.mkdir(parents=True, exist_ok=True)
    return where


def _sweep() -> None:
    """Delete the uploads older than a day (abandoned: never applied)."""
    limit = time.time() - KEPT
    for folder in _uploads().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _store(request, upload) -> str:
    """Keep an upload in a folder of its own; its token goes into the uploader's session."""
    _sweep()
    token = secrets.token_urlsafe(18)
    folder = _uploads() / token
    folder.mkdir()
    with (folder / "upload").open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    mine = request.session.get(SESSION_KEY, {})
    mine[token] = {"name": upload.name[:200], "user": request.user.pk}
    request.session[SESSION_KEY] = mine
    return token


def _stored(request, token: str) -> tuple[Path, str] | None:
    """The file and name of an upload of this session and user, if it is still there."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["user"] != request.user.pk or not re.fullmatch(r"[\w-]{24}", token):
        return None
    path = _uploads() / token / "upload"
    return (path, entry["name"]) if path.is_file() else None


def _forget(request, token: str) -> None:
    shutil.rmtree(_uploads() / token, ignore_errors=True)
    mine = request.session.get(SESSION_KEY, {})
    mine.pop(token, None)
    request.session[SESSION_KEY] = mine


def _busy(exc: ImportBusy) -> str:
    return _("This file is being imported already (started at %(time)s).") % {
        "time": date_format(localtime(exc.started_at), "DATETIME_FORMAT")
    }


@admin.action(description=_("Undo the selected import batches"))
def undo_batches(modeladmin, request, queryset):
    for batch in queryset:
        try:
            touched = batches.undo(batch, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, f"#{batch.pk}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
            )
        else:
            messages.success(
                request,
                _("Batch #%(n)s undone: %(k)s records put back.") % {"n": batch.pk, "k": touched},
            )


STATUS = {
    batches.IMPORTED: _("Imported"),
    batches.WRITING: _("Being imported"),
    batches.INTERRUPTED: _("Interrupted: the next import undoes it"),
    batches.STOPPED: _("Interrupted, undone"),
    batches.UNDONE: _("Undone"),
}


def _interrupted(batch: ImportBatch) -> str:
    return _(
        "Import batch #%(n)s (%(file)s) was interrupted while it was being written (its "
        "process stopped before the end): what it wrote has been undone."
    ) % {"n": batch.pk, "file": batch.file_name}


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
        "status",
        "undone_at",
    ]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
    actions = [undo_batches]
    change_list_template = "admin/exchange/importbatch_changelist.html"

    @admin.display(description=_("Status"))
    def status(self, obj: ImportBatch) -> str:
        return STATUS[batches.status(obj)]

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
            token = request.POST.get("upload", "")
            found = _stored(request, token)
            if found is None:
                messages.error(request, _("The uploaded file is gone; upload it again."))
                return redirect("admin:exchange_import")
            stored, name = found
            try:
                outcome = intake.import_any(stored, actor=request.user, name=name)
            except ImportBusy as exc:
                messages.error(request, _busy(exc))
                return redirect("admin:exchange_import")
            for batch in outcome.recovered:
                messages.warning(request, _interrupted(batch))
            if outcome.ok:
                _forget(request, token)
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
                token = _store(request, upload)
                stored, name = _stored(request, token)
                outcome = intake.import_any(stored, actor=request.user, dry_run=True, name=name)
                if not outcome.ok:
                    _forget(request, token)  # it cannot be applied
                context.update(outcome=outcome, upload=token, name=name)
        context["form"] = form
        context["template_url"] = reverse("admin:exchange_import_template")
        context["interrupted"] = batches.abandoned()  # undone when an import is applied
        return render(request, "admin/exchange/import.html", context)
