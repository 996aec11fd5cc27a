"""The rules of the record, in one place. The admin, the API, forms, imports and the demo data all
write through these functions; each is atomic and records who acted and why.

`actor` is the user acting, or None for the system itself (management commands run by an operator).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unmask.record import screening, signals, version, visibility
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
    Publishable,
    Record,
    Response,
    ResponseChannel,
    ResponseStatus,
    Site,
    partial_date_errors,
)
from unmask.record.partial_dates import PartialDate, end_before_start
from unmask.record.text import name_key, normalize_identifier

# --- permissions and history -------------------------------------------------------------------


def check_permission(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(
            _("You do not have permission to do this (%(perm)s).") % {"perm": perm}
        )


def perm_name(obj: models.Model, action: str) -> str:
    return f"{obj._meta.app_label}.{action}_{obj._meta.model_name}"


def save_with_history(obj: models.Model, actor, reason: str, **kwargs) -> None:
    """Save, record who and why in the object's history, and keep derived state in step:
    the visibility flags (record.visibility) and organizations' search text."""
    obj._change_reason = reason
    if actor is not None and actor.is_authenticated:
        obj._history_user = actor
    obj.save(**kwargs)
    visibility.refresh_for(obj)
    if isinstance(obj, Organization):
        visibility.refresh_search_text([obj.pk])
    elif isinstance(obj, OrganizationName | Identifier):
        visibility.refresh_search_text([obj.organization_id])


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Say why: a note is required for this change.")})
    return reason


# --- duplicates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateMatch:
    organization: Organization
    reason: str
    likely: bool = False  # the screening matcher's (names written otherwise), not an exact rule


class DuplicateOrganization(ValidationError):
    """Raised before saving an organization that looks like one already in the record."""

    def __init__(self, matches: list[DuplicateMatch]):
        self.matches = matches
        names = "; ".join(f"{m.organization} ({m.reason})" for m in matches)
        super().__init__(
            _(
                "This organization may already be in the record: %(names)s. Check, then confirm to save anyway."
            )
            % {"names": names},
            code="duplicate",
        )


def find_duplicate_organizations(
    name: str,
    country: str = "",
    identifiers: Iterable[tuple[str, str]] = (),
    aliases: Iterable[str] = (),
    exclude: Organization | None = None,
    *,
    likely: bool = True,
) -> list[DuplicateMatch]:
    """Organizations that share a normalized name (or alias) and country, or any identifier;
    then, with `likely`, those the screening matcher takes for the same (record.screening:
    a legal form written out, another script or spelling, a slip), every alive organization
    considered, drafts too."""
    found: dict[int, DuplicateMatch] = {}
    aliases = list(aliases)
    alive = Organization.objects.alive()
    if exclude is not None:
        alive = alive.exclude(pk=exclude.pk)
    keys = {name_key(n) for n in [name, *aliases] if n and name_key(n)}
    if keys:
        same_country = models.Q(country=country) if country else models.Q()
        # Two look-ups that each use an index, then the organizations in the usual order: one
        # query with "name OR other name" (a join, OR, DISTINCT) scans every organization.
        pks = set(alive.filter(same_country, name_key__in=keys).values_list("pk", flat=True))
        pks.update(
            alive.filter(same_country, names__name_key__in=keys).values_list("pk", flat=True)
        )
        for org in alive.filter(pk__in=pks) if pks else ():
            found.setdefault(org.pk, DuplicateMatch(org, _("same name and country")))
    for scheme, value in identifiers:
        norm = normalize_identifier(scheme, value)
        if not norm:
            continue
        same = Identifier.objects.filter(scheme=scheme, normalized=norm, organization__in=alive)
        for ident in same.select_related("organization"):
            found.setdefault(
                ident.organization_id,
                DuplicateMatch(
                    ident.organization,
                    _("same %(scheme)s") % {"scheme": ident.get_scheme_display()},
                ),
            )
    if likely:
        pk = exclude.pk if exclude is not None else None
        more = screening.likely_duplicates(name, country, aliases, exclude=pk)
        more = [(p, c) for p, c in more if p not in found]
        orgs = alive.in_bulk([p for p, _c in more]) if more else {}
        for p, candidate in more:
            if p in orgs:
                found[p] = DuplicateMatch(orgs[p], screening.reason(candidate), likely=True)
    return list(found.values())


# --- organizations -------------------------------------------------------------------------------


@transaction.atomic
def create_organization(
    *,
    actor=None,
    reason: str = "",
    allow_duplicate: bool = False,
    likely: bool = True,
    names: Iterable[tuple[str, str]] = (),
    identifiers: Iterable[tuple[str, str]] = (),
    **fields,
) -> Organization:
    """Create an organization; warn (raise DuplicateOrganization) when it may already exist
    (find_duplicate_organizations; `likely` False: by the exact rules only).

    `names` are (name, kind) pairs; `identifiers` are (scheme, value) pairs.
    """
    check_permission(actor, "record.add_organization")
    org = Organization(**fields)
    org.full_clean()
    names = list(names)
    identifiers = list(identifiers)
    if not allow_duplicate:
        matches = find_duplicate_organizations(
            org.name,
            org.country.code if org.country else "",
            identifiers,
            [n for n, _k in names],
            likely=likely,
        )
        if matches:
            raise DuplicateOrganization(matches)
    save_with_history(org, actor, reason or _("Created"))
    for alias, kind in names:
        save_with_history(
            OrganizationName(organization=org, name=alias, kind=kind), actor, reason or _("Created")
        )
    for scheme, value in identifiers:
        ident = Identifier(organization=org, scheme=scheme, value=value.strip())
        ident.full_clean()
        save_with_history(ident, actor, reason or _("Created"))
    return org


@transaction.atomic
def save_record(obj: Record, *, actor=None, reason: str = "") -> Record:
    """Validate and save a new or changed record. A change needs a reason; a new link gets its
    first status event. Used by the admin for every form and inline."""
    creating = obj._state.adding
    check_permission(actor, perm_name(obj, "add" if creating else "change"))
    if not creating:
        reason = require_reason(reason)
    if creating and isinstance(obj, Link) and obj.status == LinkStatus.CONFIRMED:
        check_permission(
            actor, "record.publish_link"
        )  # confirming is a reviewer's decision, also at creation
    if not creating and isinstance(obj, Response):
        before = Response.objects.get(pk=obj.pk)
        if before.status == ResponseStatus.PUBLISHED and (
            before.text,
            before.organization_id,
            before.link_id,
        ) != (
            obj.text,
            obj.organization_id,
            obj.link_id,
        ):
            raise ValidationError(
                _("A published reply is shown as it was received; it cannot be edited.")
            )
    obj.full_clean()
    save_with_history(obj, actor, reason or _("Created"))
    if creating and isinstance(obj, Link):
        LinkStatusEvent.objects.create(
            link=obj,
            old_status="",
            new_status=obj.status,
            effective=obj.start,
            note=reason or _("First recorded"),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
    return obj


@transaction.atomic
def remove_detail(
    obj: OrganizationName | Identifier | OrganizationText, *, actor=None, reason: str
) -> None:
    """Remove another name, an identifier or a translation of the description of an
    organization (kept in the history)."""
    check_permission(actor, "record.change_organization")
    obj._change_reason = require_reason(reason)
    if actor is not None and actor.is_authenticated:
        obj._history_user = actor
    organization_id = obj.organization_id
    obj.delete()
    visibility.refresh_search_text([organization_id])
    version.bump()


@transaction.atomic
def update_record(obj: Record, *, actor=None, reason: str, **changes) -> Record:
    """Change fields of any record, validated, with the reason kept in its history."""
    for field, value in changes.items():
        setattr(obj, field, value)
    return save_record(obj, actor=actor, reason=reason)


@transaction.atomic
def merge_organizations(
    keep: Organization, drop: Organization, *, actor=None, reason: str
) -> Organization:
    """Fold `drop` into `keep`: links, sites, products, citations, responses, names and identifiers
    move over, `drop`'s name becomes an alias, and its public id redirects to `keep`."""
    check_permission(actor, "record.change_organization")
    check_permission(actor, "record.delete_organization")
    reason = require_reason(reason)
    if keep.pk == drop.pk:
        raise ValidationError(_("An organization cannot be merged into itself."))
    if keep.is_deleted or drop.is_deleted:
        raise ValidationError(_("Restore a deleted organization before merging it."))
    note = _("Merged %(drop)s into %(keep)s: %(reason)s") % {
        "drop": drop,
        "keep": keep,
        "reason": reason,
    }

    for link in Link.objects.filter(models.Q(subject=drop) | models.Q(object=drop)):
        new_subject = keep if link.subject_id == drop.pk else link.subject
        new_object = keep if link.object_id == drop.pk else link.object
        if new_object is not None and new_subject.pk == new_object.pk:
            soft_delete(link, actor=actor, reason=note)  # a link between the two merged records
            continue
        link.subject, link.object = new_subject, new_object
        save_with_history(link, actor, note)
    for site in Site.objects.filter(organization=drop):
        site.organization = keep
        save_with_history(site, actor, note)
    for product in Product.objects.filter(maker=drop):
        product.maker = keep
        save_with_history(product, actor, note)
    for citation in Citation.objects.filter(organization=drop):
        citation.organization = keep
        save_with_history(citation, actor, note)
    for response in Response.objects.filter(organization=drop):
        response.organization = keep
        save_with_history(response, actor, note)
    existing = {n.name_key for n in keep.names.all()} | {keep.name_key}
    for alias in drop.names.all():
        if alias.name_key in existing:
            continue
        alias.organization = keep
        save_with_history(alias, actor, note)
        existing.add(alias.name_key)
    if drop.name_key not in existing:
        save_with_history(
            OrganizationName(organization=keep, name=drop.name, kind="alias"), actor, note
        )
    languages = {keep.description_language, *(t.language for t in keep.texts.all())}
    for text in drop.texts.all():
        if text.language not in languages:  # keep's own description wins
            text.organization = keep
            save_with_history(text, actor, note)
    have = {(i.scheme, i.normalized) for i in keep.identifiers.all()}
    for ident in drop.identifiers.all():
        if (ident.scheme, ident.normalized) not in have:
            ident.organization = keep
            save_with_history(ident, actor, note)
    drop.merged_into = keep
    drop.deleted_at = timezone.now()
    save_with_history(drop, actor, note)
    save_with_history(keep, actor, note)
    Organization.objects.filter(merged_into=drop).update(merged_into=keep)
    signals.organization_merged.send(
        sender=Organization, keep=keep, drop=drop, actor=actor, reason=note
    )
    return keep


# --- links -----------------------------------------------------------------------------------------


@transaction.atomic
def create_link(
    *, actor=None, reason: str = "", status: str = LinkStatus.REPORTED, **fields
) -> Link:
    link = Link(status=status, **fields)
    save_record(link, actor=actor, reason=reason)
    return link


def status_change_errors(
    link: Link, new_status: str, *, note: str, effective: str = "", start: str | None = None
) -> dict[str, str]:
    """What is wrong with a proposed status change, by field (status, note, effective).

    The admin's form shows these next to its fields; change_status refuses on any of them.
    `start` is the link's start date if the same form changes it too.
    """
    errors: dict[str, str] = {}
    start = link.start if start is None else start
    if not (note or "").strip():
        errors["note"] = _("Say why: a note is required for this change.")
    if new_status not in LinkStatus.values:
        errors["status"] = _("“%(status)s” is not a status.") % {"status": new_status}
    elif new_status == link.status:
        errors["status"] = _("The link already has this status.")
    probe = LinkStatusEvent(effective=effective)
    date_errors = partial_date_errors(probe, "effective")
    if date_errors:
        errors.update(date_errors)
    elif end_before_start(start, probe.effective):
        errors["effective"] = _(
            "Effective date: %(date)s is before the link's start date %(start)s."
        ) % {"date": probe.effective, "start": start}
    elif new_status == LinkStatus.ENDED and not (link.end or probe.effective):
        errors["effective"] = _("Effective date: say when the link ended (a year is enough).")
    return errors


@transaction.atomic
def change_status(
    link: Link, new_status: str, *, note: str, actor=None, effective: str = ""
) -> LinkStatusEvent:
    """Move a link to another status. The note is required and kept as a dated event."""
    check_permission(actor, "record.change_link")
    if new_status == LinkStatus.CONFIRMED:
        check_permission(actor, "record.publish_link")
    errors = status_change_errors(link, new_status, note=note, effective=effective)
    if errors:
        raise ValidationError(errors)
    event = LinkStatusEvent.objects.create(
        link=link,
        old_status=link.status,
        new_status=new_status,
        effective=str(PartialDate.parse(effective)) if effective else "",
        note=note.strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if new_status == LinkStatus.ENDED and not link.end:
        link.end = event.effective
    elif link.status == LinkStatus.ENDED and new_status != LinkStatus.ENDED:
        link.end = ""  # it resumed: the end date no longer holds (the event keeps it)
    link.status = new_status
    link.full_clean()
    save_with_history(
        link,
        actor,
        _("Status: %(status)s — %(note)s") % {"status": link.get_status_display(), "note": note},
    )
    return event


# --- evidence ---------------------------------------------------------------------------------------


@transaction.atomic
def add_citation(
    target: Publishable, source, *, actor=None, reason: str = "", **fields
) -> Citation:
    citation = Citation(source=source, **{target.citation_field: target}, **fields)
    save_record(citation, actor=actor, reason=reason or _("Cited"))
    return citation


@transaction.atomic
def create_source(*, actor=None, reason: str = "", **fields):
    from unmask.record.models import Source

    source = Source(**fields)
    save_record(source, actor=actor, reason=reason)
    return source


# --- publication, deletion ----------------------------------------------------------------------------


@transaction.atomic
def publish(obj: Publishable, *, actor=None, reason: str = "") -> Publishable:
    """Publish a record. Refused without at least one citation: nothing is public unsourced."""
    check_permission(actor, perm_name(obj, "publish"))
    if obj.is_deleted:
        raise ValidationError(_("A deleted record cannot be published; restore it first."))
    if not Citation.objects.alive().filter(**{obj.citation_field: obj}).exists():
        raise ValidationError(
            _(
                "%(kind)s “%(name)s” cannot be published without at least one citation: add a source first."
            )
            % {"kind": str(obj._meta.verbose_name).capitalize(), "name": obj}
        )
    needs = {
        Link: lambda o: (o.subject, o.object, o.product),
        Site: lambda o: (o.organization,),
        Product: lambda o: (o.maker,),
    }.get(type(obj), lambda o: ())(obj)
    for other in needs:
        if other is not None and not type(other).objects.public().filter(pk=other.pk).exists():
            raise ValidationError(
                _("Publish “%(name)s” first: a record is public only when what it names is public.")
                % {"name": other}
            )
    if obj.published_at is None:
        obj.published_at = timezone.now()
        obj.published_by = actor if actor is not None and actor.is_authenticated else None
        save_with_history(obj, actor, reason or _("Published"))
    return obj


@transaction.atomic
def unpublish(obj: Publishable, *, actor=None, reason: str) -> Publishable:
    check_permission(actor, perm_name(obj, "publish"))
    reason = require_reason(reason)
    obj.published_at = None
    obj.published_by = None
    save_with_history(obj, actor, reason)
    return obj


@transaction.atomic
def soft_delete(obj: Record, *, actor=None, reason: str) -> Record:
    """Hide a record from everything public. Nothing is erased; `restore` brings it back."""
    check_permission(actor, perm_name(obj, "delete"))
    reason = require_reason(reason)
    if isinstance(obj, Response) and obj.status == ResponseStatus.PUBLISHED:
        raise ValidationError(_("A published response is always shown; it cannot be deleted."))
    if obj.deleted_at is None:
        obj.deleted_at = timezone.now()
        save_with_history(obj, actor, reason)
    return obj


@transaction.atomic
def restore(obj: Record, *, actor=None, reason: str) -> Record:
    check_permission(actor, perm_name(obj, "delete"))
    reason = require_reason(reason)
    if getattr(obj, "merged_into_id", None):
        raise ValidationError(
            _("This organization was merged into another; it cannot be restored alone.")
        )
    rejected = isinstance(obj, Response) and obj.status == ResponseStatus.REJECTED
    if obj.deleted_at is not None or rejected:
        obj.deleted_at = None
        if rejected:  # back to the reviewers' queue
            obj.status = ResponseStatus.RECEIVED
        save_with_history(obj, actor, reason)
    return obj


# --- right of reply -------------------------------------------------------------------------------------


@transaction.atomic
def record_response(*, actor=None, reason: str = "", **fields) -> Response:
    response = Response(**fields)
    save_record(response, actor=actor, reason=reason or _("Received"))
    return response


@transaction.atomic
def submit_reply(
    organization: Organization, *, text: str, contact_email: str, link: Link | None = None
) -> Response:
    """A reply or correction sent by anyone through the public form: it waits, unpublished, for
    staff to check that it comes from the organization. No account, no address stored."""
    if not organization.is_public or (link is not None and not link.is_public):
        raise ValidationError(_("This record is not public."))
    response = Response(
        organization=organization,
        link=link,
        text=text.strip(),
        contact_email=contact_email.strip(),
        channel=ResponseChannel.WEB_FORM,
        received_on=timezone.localdate(),
    )
    response.full_clean()
    save_with_history(response, None, _("Sent through the reply form"))
    return response


@transaction.atomic
def publish_response(response: Response, *, actor=None) -> Response:
    check_permission(actor, "record.publish_response")
    if response.is_deleted:
        raise ValidationError(_("A deleted reply cannot be published; restore it first."))
    if response.status == ResponseStatus.REJECTED:
        raise ValidationError(_("A rejected reply cannot be published; restore it first."))
    if response.status != ResponseStatus.PUBLISHED:
        response.full_clean()
        response.status = ResponseStatus.PUBLISHED
        response.contact_email = ""  # needed only to check the sender; not kept
        save_with_history(response, actor, _("Published"))
    return response


@transaction.atomic
def reject_response(response: Response, *, actor=None, reason: str) -> Response:
    """Turn down a reply that waits (not from the organization, abusive, spam ...): it is not
    published and leaves the queue, its status "rejected" and the reason in its history;
    `restore` brings it back to the queue. A published reply is always shown: it cannot be
    rejected."""
    check_permission(actor, "record.publish_response")
    reason = require_reason(reason)
    if response.status == ResponseStatus.PUBLISHED:
        raise ValidationError(_("A published reply is always shown; it cannot be rejected."))
    if response.status != ResponseStatus.REJECTED:
        response.status = ResponseStatus.REJECTED
        save_with_history(response, actor, _("Rejected: %(reason)s") % {"reason": reason})
    return response
