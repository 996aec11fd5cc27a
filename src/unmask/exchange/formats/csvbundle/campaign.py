"""The campaign's tables of a CSV bundle (write.py: groups, calls, call_texts, call_targets,
actions, action_targets), imported by read.py after the record's rows are in and
published, so that every target names a record that is already there. The rules are the
bundle's: public ids kept, only differences written (with the batch's reason in the history),
all or nothing, every problem with its file, line and column, one ImportItem a row created or
changed, undone with the batch (undo_item).

Who. The campaign's tables are imported by the command line and by those who may write the
campaign (moderators and admins: campaign.add_localgroup, add_call or add_action); for anyone
else (editors, reviewers) they are left out as a whole and counted in outcome.left_out, so that
a bundle of the whole site still brings the record in. Creating a group, a call or an action
needs its add permission, changing one its change permission; changing an existing action, or
what an existing action is aimed at, needs campaign.moderate_action (as services.update_action
asks).

Through the campaign's services where there are any:
- actions: services.submit_action creates one (a new edit token that nobody is told: moderators
  manage it), services.update_action changes one, services.publish_action and
  services.cancel_action set its status; their history reason is the batch's (`note`);
- targets: services.write_targets;
- calls: services.publish_call. Calls, their texts and groups have no service to create or
  edit them (the admin's forms do): they are validated (full_clean) and saved here with the
  batch's reason.
  A group whose id is unknown is matched like services.group_for matches a submitter's: a group
  of the same name (any case) in the same country or with none, that the bundle does not have
  under its own id; the bundle's id then stands for it.

Publication, as for the record's rows. An action of the bundle was public where it came from:
published, or cancelled after it had been published. With campaign.moderate_action (the
command line has every permission) a new action is published, and a cancelled one is published
and then cancelled with the bundle's reason, so it stays visible, marked cancelled. Without it,
a new action waits for moderation (outcome.left_unpublished), and a cancelled one is cancelled
at once with its own edit token, so it never reaches the moderators' queue. An action that this
record cancelled stays cancelled (one cancelled by such an import stays hidden: no service
publishes a cancelled action, and nobody is to turn up to it); one waiting or rejected here is
published by a moderator's import. A call with a published_at is published when the actor may (campaign.publish_call).

Cells. Times are UTC instants (starts_at, ends_at) with the place's time zone; they go through
services.apply_times as local times, so the rule of repetition and the limits of the form hold,
and last_ends_at (derived) is computed again. url, last_ends_at, published_at and updated_at
are the exporting site's and ignored, except that published_at says a call was public. An
empty call_id or group_id changes nothing on an action that exists: the bundle leaves a
reference out when the row it names is not public.

Texts. A row of call_texts is the call's title and body in another language: it creates or
updates the call's text (CallText) in that language, one ImportItem as for any row, undone with
the batch (a text created is removed, a text changed gets its former title and body back).
A text in the call's own language is a problem at its language cell: that text is the call's.
Creating or changing a text of a call that this import did not create needs
campaign.change_call. Texts the bundle does not have are left alone.

Targets. A bundle's targets of a call or an action are its public ones; the record may have
more (not public, or from elsewhere). Nothing is removed: when the record already has the
bundle's targets in the bundle's order, nothing is written; otherwise the targets become the
bundle's, in its order, followed by the record's others in theirs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from unmask.campaign import services as campaign
from unmask.campaign import times
from unmask.campaign.models import (
    Action,
    ActionStatus,
    ActionTarget,
    Call,
    CallTarget,
    CallText,
    LocalGroup,
)
from unmask.exchange.formats.csvbundle.read import (
    BAD,
    BundleRow,
    Context,
    Failed,
    apply_row,
    as_float,
    as_json,
    check_row,
    created_record,
    deleted_record,
    each_row,
    existing_record,
    note_update,
    plain_text,
    ref_of,
    same_values,
    sync_details,
)
from unmask.exchange.models import ImportItem
from unmask.record.models import Organization, Product, Site

TABLES = ("groups", "calls", "call_texts", "call_targets", "actions", "action_targets")
WRITERS = ("campaign.add_localgroup", "campaign.add_call", "campaign.add_action")
LEFT_OUT = "rows of the campaign (groups, calls, actions: importing them needs a moderator)"
KINDS = {"org": Organization, "site": Site, "product": Product}
THING_COLUMNS = (  # (column, the table it refers to, the kind of target)
    ("organization_id", "organizations", "org"),
    ("site_id", "sites", "site"),
    ("product_id", "products", "product"),
)


class _Operator:
    """The command line (actor None) as the campaign's services want an actor: it may do
    everything and is nobody (no history user), as actor None is to the record's services."""

    is_authenticated = False
    pk = None

    def has_perm(self, perm: str) -> bool:
        return True


OPERATOR = _Operator()


def _actor(ctx: Context):
    return OPERATOR if ctx.actor is None else ctx.actor


def _require(ctx: Context, perm: str) -> None:
    if not ctx.may(perm):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")


def _save(ctx: Context, obj) -> None:
    """Validate and save a group or a call (no campaign service writes them) with the batch's
    reason in the history."""
    obj.full_clean()
    obj._change_reason = ctx.reason
    if getattr(ctx.actor, "is_authenticated", False):
        obj._history_user = ctx.actor
    obj.save()


def _writer(ctx: Context, perm: str):
    def write(obj, changes: dict) -> None:
        if perm:
            _require(ctx, perm)
        for name, value in changes.items():
            setattr(obj, name, value)
        _save(ctx, obj)

    return write


def run(ctx: Context) -> None:
    if not (ctx.actor is None or any(ctx.actor.has_perm(p) for p in WRITERS)):
        count = sum(len(ctx.rows[table]) for table in TABLES)
        if count:
            ctx.outcome.left_out[LEFT_OUT] += count
        return
    in_bundle = {row.id for row in ctx.rows["groups"]}
    claimed: dict[int, int] = {}  # pk of a group -> the line that took it
    each_row(ctx, "groups", lambda c, r: _group(c, r, in_bundle, claimed))
    each_row(ctx, "calls", _call)
    each_row(ctx, "call_texts", _call_text)
    _targets(ctx, "call_targets", "call_id", "calls")
    _publish_calls(ctx)
    tokens: dict[str, str] = {}  # id of an action this import created -> its edit token
    each_row(ctx, "actions", lambda c, r: _action(c, r, tokens))
    _targets(ctx, "action_targets", "action_id", "actions")
    _statuses(ctx, tokens)


# --- cells ---------------------------------------------------------------------------------------


def _date(ctx: Context, row: BundleRow, column: str):
    text = row.values.get(column, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        ctx.problem(row, column, f"{text!r} is not a date (2024-03-01).")
        return BAD


def _instant(ctx: Context, row: BundleRow, column: str):
    text = row.values.get(column, "").strip()
    if not text:
        ctx.problem(row, column, "required.")
        return BAD
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        ctx.problem(row, column, f"{text!r} is not a time (2024-03-01T09:30:00Z).")
        return BAD
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _boolean(ctx: Context, row: BundleRow, column: str):
    text = row.values.get(column, "").strip().lower()
    if text in ("", "false", "0", "no"):
        return False
    if text in ("true", "1", "yes"):
        return True
    ctx.problem(row, column, f"{text!r} is not true or false.")
    return BAD


# --- groups and calls ----------------------------------------------------------------------------


def _group(ctx: Context, row: BundleRow, in_bundle: set[str], claimed: dict[int, int]) -> None:
    v = row.values
    wanted = {
        "name": v["name"],
        "city": v.get("city", ""),
        "country": v.get("country", "").strip(),
        "website": v.get("website", "").strip(),
        "description": v.get("description", ""),
    }
    group = existing_record(LocalGroup, row.id)
    deleted_record(ctx, row, group)
    if group is None:  # services.group_for's rule: one group of a name
        found = LocalGroup.objects.filter(
            name__iexact=" ".join(wanted["name"].split()), deleted_at__isnull=True
        ).exclude(public_id__in=in_bundle)
        if wanted["country"]:
            found = found.filter(country__in=[wanted["country"], ""])
        group = found.exclude(pk__in=list(claimed)).order_by("pk").first()
    if group is not None:
        if group.pk in claimed:
            ctx.problem(
                row,
                "id",
                f"{group.name} ({group.public_id}) is already the group of line "
                f"{claimed[group.pk]}.",
            )
            raise Failed
        claimed[group.pk] = row.line
        sync_details(ctx, row, group, wanted, write=_writer(ctx, "campaign.change_localgroup"))
        return
    _require(ctx, "campaign.add_localgroup")
    group = LocalGroup(public_id=row.id, **wanted)
    _save(ctx, group)
    claimed[group.pk] = row.line
    created_record(ctx, row, group)


def _call(ctx: Context, row: BundleRow) -> None:
    starts_on, ends_on = _date(ctx, row, "starts_on"), _date(ctx, row, "ends_on")
    check_row(ctx, row, starts_on, ends_on)
    v = row.values
    wanted = {
        "title": v["title"],
        "body": v["body"],
        "language": v["language"].strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    call = existing_record(Call, row.id)
    deleted_record(ctx, row, call)
    if call is None:
        _require(ctx, "campaign.add_call")
        call = Call(public_id=row.id, **wanted)
        _save(ctx, call)
        created_record(ctx, row, call)
    else:
        sync_details(ctx, row, call, wanted, write=_writer(ctx, "campaign.change_call"))


def _call_text(ctx: Context, row: BundleRow) -> None:
    call = ref_of(ctx, row, "call_id", "calls", required=True)
    check_row(ctx, row, call)
    v = row.values
    language = v["language"].strip()
    if language and language == call.language:
        ctx.problem(
            row, "language", f"{language!r} is the call's own language: its text is the call's."
        )
        raise Failed
    wanted = {"title": v["title"], "body": v["body"]}
    created_here = any(r.obj == call and r.action == "created" for r in ctx.rows["calls"])
    text = CallText.objects.filter(call=call, language=language).first()
    if text is None:
        if not created_here:
            _require(ctx, "campaign.change_call")
        text = CallText(call=call, language=language, **wanted)
        _save(ctx, text)
        created_record(ctx, row, text)
    else:
        perm = "" if created_here else "campaign.change_call"
        sync_details(ctx, row, text, wanted, write=_writer(ctx, perm))


def _publish_calls(ctx: Context) -> None:
    allowed = ctx.may(campaign.PUBLISH_CALL)
    for row in ctx.rows["calls"]:
        call = row.obj
        if call is None or not row.values.get("published_at") or call.published_at:
            continue
        if not allowed:
            ctx.outcome.left_unpublished += 1
            continue

        def work(row=row, call=call):
            call.refresh_from_db()
            campaign.publish_call(call, actor=_actor(ctx), note=ctx.reason)
            note_update(ctx, row, {"published_at": None})

        apply_row(ctx, row, work)


# --- actions -------------------------------------------------------------------------------------

TIME_FIELDS = ("timezone", "starts_at", "ends_at", "recurrence", "last_ends_at")
PUBLIC_STATUSES = (ActionStatus.PUBLISHED, ActionStatus.CANCELLED)


def _when(ctx: Context, row: BundleRow, starts: datetime, ends: datetime) -> campaign.When:
    """The instants as the local times the services take (services.apply_times converts them
    back and checks them as the form's are checked)."""
    zone = row.values["timezone"].strip()
    try:
        times.zone(zone)
    except times.TimeError as exc:
        ctx.problem(row, "timezone", str(exc))
        raise Failed from None
    start, end = times.local(starts, zone), times.local(ends, zone)
    rule = row.values.get("recurrence", "").strip().upper().removeprefix("RRULE:")
    return campaign.When(start.date(), start.time(), end.date(), end.time(), zone, rule)


def _same_times(action: Action, when: campaign.When, starts: datetime, ends: datetime) -> bool:
    second = lambda t: t.replace(microsecond=0)  # noqa: E731 (the bundle has whole seconds)
    return (
        action.timezone == when.zone
        and second(action.starts_at) == second(starts)
        and second(action.ends_at) == second(ends)
        and action.recurrence == when.recurrence
    )


def _action(ctx: Context, row: BundleRow, tokens: dict[str, str]) -> None:
    call = ref_of(ctx, row, "call_id", "calls")
    group = ref_of(ctx, row, "group_id", "groups")
    starts, ends = _instant(ctx, row, "starts_at"), _instant(ctx, row, "ends_at")
    latitude, longitude = as_float(ctx, row, "latitude"), as_float(ctx, row, "longitude")
    online = _boolean(ctx, row, "online")
    check_row(ctx, row, call, group, starts, ends, latitude, longitude, online)
    v = row.values
    status = v["status"].strip()
    if status not in PUBLIC_STATUSES:
        ctx.problem(row, "status", f"{status!r} is not a public status (published, cancelled).")
        raise Failed
    when = _when(ctx, row, starts, ends)
    wanted = {
        "title": v["title"],
        "kind": v["kind"].strip(),
        "description": v.get("description", ""),
        "online": online,
        "online_url": v.get("online_url", "").strip(),
        "address": v.get("address", ""),
        "city": v.get("city", ""),
        "country": v.get("country", "").strip(),
        "latitude": latitude,
        "longitude": longitude,
        "languages": v.get("languages", "").strip(),
    }
    action = existing_record(Action, row.id)
    deleted_record(ctx, row, action)
    if action is None:
        _require(ctx, "campaign.add_action")
        action, token = campaign.submit_action(
            when,
            actor=ctx.actor,
            note=ctx.reason,
            public_id=row.id,
            call=call,
            group=group,
            **wanted,
        )
        tokens[row.id] = token
        created_record(ctx, row, action)
        return
    # An empty reference changes nothing: the call or group may not be public.
    if call is not None:
        wanted["call_id"] = call.pk
    if group is not None:
        wanted["group_id"] = group.pk
    current = {name: getattr(action, name) for name in wanted}
    changes = {name: val for name, val in wanted.items() if not same_values(current[name], val)}
    moved = not _same_times(action, when, starts, ends)
    row.obj, row.action = action, "unchanged"
    if changes or moved:
        before = {name: as_json(plain_text(current[name])) for name in changes}
        if moved:
            before |= {name: as_json(getattr(action, name)) for name in TIME_FIELDS}
        campaign.update_action(
            action, actor=_actor(ctx), when=when if moved else None, reason=ctx.reason, **changes
        )
        note_update(ctx, row, before)


def _statuses(ctx: Context, tokens: dict[str, str]) -> None:
    """Publish and cancel the actions as the bundle has them (see the module docstring)."""
    moderator = ctx.may(campaign.MODERATE)
    for row in ctx.rows["actions"]:
        if row.obj is None:
            continue

        def work(row=row):
            action = row.obj
            action.refresh_from_db()
            wanted = row.values["status"].strip()
            if action.status == wanted or action.status == ActionStatus.CANCELLED:
                return  # a cancellation of this record stays
            before = {
                "status": action.status,
                "status_reason": action.status_reason,
                "published_at": as_json(action.published_at),
            }
            reason = row.values.get("status_reason", "").strip() or ctx.reason
            if moderator:
                if action.status != ActionStatus.PUBLISHED:
                    campaign.publish_action(action, actor=_actor(ctx), note=ctx.reason)
                if wanted == ActionStatus.CANCELLED:
                    campaign.cancel_action(
                        action, actor=_actor(ctx), reason=reason, note=ctx.reason
                    )
            else:
                ctx.outcome.left_unpublished += 1
                if wanted == ActionStatus.CANCELLED and row.id in tokens:
                    # cancelled at once by its submitter, the import: never in the queue
                    campaign.cancel_action(
                        action, token=tokens[row.id], reason=reason, note=ctx.reason
                    )
                else:
                    return
            note_update(ctx, row, before)

        apply_row(ctx, row, work)


# --- targets -------------------------------------------------------------------------------------


def _key(thing) -> tuple[str, int]:
    return (type(thing).__name__, thing.pk)


def _columns(thing) -> tuple[int | None, int | None, int | None]:
    """(organization_id, site_id, product_id) of a target row aimed at `thing`."""
    return tuple(thing.pk if isinstance(thing, model) else None for model in KINDS.values())


def _ref_of(thing) -> str:
    kind = {Organization: "org", Site: "site", Product: "product"}[type(thing)]
    return f"{kind}:{thing.public_id}"


def _targets(ctx: Context, table: str, owner_column: str, owner_table: str) -> None:
    """Read the rows of a targets table, then write each call's or action's targets at once
    (services.write_targets), in the order of their positions."""
    wanted: dict[int, list[tuple[int, int, object, BundleRow]]] = {}
    owners: dict[int, object] = {}

    def read(ctx: Context, row: BundleRow) -> None:
        owner = ref_of(ctx, row, owner_column, owner_table, required=True)
        given = [c for c in THING_COLUMNS if row.values.get(c[0], "").strip()]
        if len(given) != 1:
            column = given[1][0] if len(given) > 1 else "organization_id"
            ctx.problem(row, column, "give exactly one of organization_id, site_id, product_id.")
            raise Failed
        column, things, kind = given[0]
        thing = ref_of(ctx, row, column, things)
        text = row.values.get("position", "").strip()
        position = int(text) if text.isdigit() else None
        if position is None:
            ctx.problem(row, "position", f"{text!r} is not a position (1, 2, ...).")
        stated = row.values.get("kind", "").strip()
        if stated and stated != kind:
            ctx.problem(row, "kind", f"{stated!r}, but the row gives a {column}.")
        check_row(ctx, row, owner, thing)
        if position is None or (stated and stated != kind):
            raise Failed
        owners[owner.pk] = owner
        wanted.setdefault(owner.pk, []).append((position, row.line, thing, row))

    each_row(ctx, table, read)
    created_here = {r.obj.pk for r in ctx.rows[owner_table] if r.action == "created"}
    for pk, items in wanted.items():
        items.sort(key=lambda item: (item[0], item[1]))
        owner, first = owners[pk], items[0][3]

        def work(owner=owner, items=items):
            _write_targets(ctx, owner, items, owner_created=owner.pk in created_here)

        apply_row(ctx, first, work)


def _write_targets(ctx: Context, owner, items: list, *, owner_created: bool) -> None:
    things = list({_key(thing): thing for _p, _l, thing, _r in items}.values())
    keys = [_key(t) for t in things]
    current = [t.thing for t in owner.targets.order_by("position", "pk")]
    before = [_key(t) for t in current]
    if [k for k in before if k in set(keys)] != keys:
        if not owner_created:
            _require(
                ctx, campaign.MODERATE if isinstance(owner, Action) else "campaign.change_call"
            )
            ImportItem.objects.create(  # for undo: what the owner was aimed at before
                batch=ctx.batch,
                content_type=ContentType.objects.get_for_model(owner),
                object_id=owner.pk,
                action=ImportItem.UPDATED,
                before={"targets": [_ref_of(t) for t in current]},
            )
        kept = [t for t in current if _key(t) not in set(keys)]
        campaign.write_targets(owner, things + kept, actor=ctx.actor, reason=ctx.reason)
    rows = {(r.organization_id, r.site_id, r.product_id): r for r in owner.targets.all()}
    for _position, _line, thing, row in items:
        target = rows[_columns(thing)]
        if _key(thing) in before:
            row.obj, row.action = target, "unchanged"
        else:
            created_record(ctx, row, target)
        ctx.objects[row.table][row.id] = target


# --- undo ----------------------------------------------------------------------------------------


def undo_item(item: ImportItem, obj, *, actor, reason: str) -> None:
    """Undo one item of a batch (importer.undo): a group, call or action created is deleted
    (soft, kept in the history), a target or a call's text created is removed, what was
    changed gets its former values back (statuses included, without the services' rules: an
    undo puts back what was) and a call's or action's former targets. An action's SEQUENCE
    goes on rising."""
    perm = f"campaign.change_{obj._meta.model_name}"
    if isinstance(obj, CallTarget | CallText | ActionTarget):
        perm = "campaign.change_action" if isinstance(obj, ActionTarget) else "campaign.change_call"
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")
    user = actor if getattr(actor, "is_authenticated", False) else None
    if item.action == ImportItem.CREATED:
        if isinstance(obj, CallTarget | CallText | ActionTarget):
            obj._change_reason = reason
            obj._history_user = user
            obj.delete()
            return
        if obj.deleted_at is not None:
            return
        changes = {"deleted_at": timezone.now()}
    else:
        changes = dict(item.before)
    refs = changes.pop("targets", None)
    if changes:
        for name, value in changes.items():
            field = obj._meta.get_field(name.removesuffix("_id"))
            setattr(obj, field.attname, field.to_python(value))
        if isinstance(obj, Action):
            obj.sequence += 1  # calendars take a change only with a higher SEQUENCE
        obj._change_reason = reason
        obj._history_user = user
        obj.save()
    if refs is not None:
        things = []
        for ref in refs:
            kind, _sep, public_id = ref.partition(":")
            thing = KINDS[kind]._base_manager.filter(public_id=public_id).first()
            if thing is not None:
                things.append(thing)
        campaign.write_targets(obj, things, actor=actor, reason=reason)
