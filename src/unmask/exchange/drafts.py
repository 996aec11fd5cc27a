"""Imported organizations that are ready for a reviewer: created by an import batch that was not
undone, still drafts (not published, not deleted, not merged), and carrying at least one live
citation (the import's rows gave their sources). The admin lists them under the organizations'
filter "Imported drafts with sources" and publishes them in bulk through services.publish; the
staff bar counts them: the count walks the drafts only, through indexes (org_draft,
importitem_created, the citations' organization)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet

from unmask.exchange.models import ImportItem
from unmask.record import version
from unmask.record.models import Citation, Organization


def cited(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """Those of `queryset` with at least one live citation: the only ones that may be published."""
    return queryset.filter(Exists(Citation.objects.alive().filter(organization=OuterRef("pk"))))


def ready_to_publish(queryset: QuerySet[Organization] | None = None) -> QuerySet[Organization]:
    """Each draft (the partial index org_draft) looked up, by indexes, in the import items
    (importitem_created) and the citations: as cheap as the drafts are few."""
    queryset = Organization.objects.all() if queryset is None else queryset
    created = ImportItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=OuterRef("pk"),
        action=ImportItem.CREATED,
        batch__undone_at__isnull=True,
    )
    drafts = queryset.filter(
        is_public=False,
        published_at__isnull=True,
        deleted_at__isnull=True,
        merged_into__isnull=True,
    ).filter(Exists(created))
    return cited(drafts)


def ready_count() -> int:
    """How many are ready. The count walks the drafts through indexes (a few microseconds
    each), which is still long after an import of many thousands: counted once per version of
    the record (every write raises it, an import, a publication or an undo included)."""
    key = f"unmask:imported-drafts-ready:{version.current()}"
    count = cache.get(key)
    if count is None:
        count = ready_to_publish().count()
        cache.set(key, count, 3600)
    return count
