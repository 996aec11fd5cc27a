"""Import batches: every import is one batch, kept with what it created and changed, so that a
batch can be looked at and undone as a whole."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    created_at = models.DateTimeField(_("imported"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    kind = models.CharField(_("what it imports"), max_length=40)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("left alone"), default=0)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty while the import writes (in short transactions, on SQLite): a batch never finished
    # nor undone whose process is gone was interrupted, and batches.recover undoes it.
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    host = models.CharField(_("written on host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("written by process"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def reason(self) -> str:
        """The history reason of every change the batch made."""
        return f"Import batch #{self.pk} ({self.file_name})"


class ImportItem(models.Model):
    """One record the batch created or changed, with its values before the change."""

    CREATED, UPDATED = "created", "updated"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=8)
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["batch", "action"]),
            # Was this record created by an import? (exchange/drafts.py, for each draft)
            models.Index(
                fields=["content_type", "object_id"],
                condition=models.Q(action="created"),
                name="importitem_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id}"


class ImportLock(models.Model):
    """Work on imports under way: an import (exchange/locks.py), one row per file while it
    runs; an undo (batches.undo), one row per batch marking how far it got, "undo N below P"."""

    key = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key[:12]} since {self.started_at:%Y-%m-%d %H:%M}"
