"""Many rows of the record written at once, ending as the services would leave them row by row.

`with bulk.writer(actor=..., reason=...) as w:` then `w.create(objs)`, `w.update(objs, fields)`,
`w.publish(objs)`, `w.change_status(changes)`, `w.soft_delete(objs)`, `w.remove_details(objs)`,
each with objects of one model (MODELS). Each call checks the actor's permission and validates
every object as the services do, raising InvalidObject (the object, its position, the messages
by field) before it writes anything; then it writes the rows, their history rows (actor,
reason, "+", "~" or "-") and the visibility flags they change. On leaving: organizations'
search text, and the record's version raised once, in the same transaction. A few queries
per call and 500 objects. Matching duplicates is the caller's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    validate_slug,
)
from django.db import IntegrityError, connection, models, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from unmask.cleantext import clean
from unmask.record import services, version, visibility
from unmask.record.identifiers import identifier_error
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
    Site,
    Source,
)
from unmask.record.partial_dates import PartialDate
from unmask.record.text import name_key, normalize_identifier
from unmask.sql import select_in, statement

BATCH = 500  # objects per statement and per IN (...) list (SQLite's parameter limit)

# What the writer knows how to write as the services do. Responses (their publication rules) and
# merges stay with the services.
MODELS = (
    Source,
    Organization,
    OrganizationName,
    OrganizationText,
    Identifier,
    Product,
    Site,
    Link,
    Citation,
)

# Never written from an instance: visibility.py owns these (as in save_keeping_flag).
OWNED_BY_VISIBILITY = {"is_public", "search_text"}


class InvalidObject(ValidationError):
    """An object the writer refused, with the service's messages by field; nothing was written."""

    def __init__(self, obj: models.Model, index: int, error: ValidationError):
        self.obj, self.index = obj, index
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)

    def __str__(self) -> str:
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" if field != NON_FIELD_ERRORS else " ".join(messages)
            for field, messages in self.message_dict.items()
        )
        return _("%(kind)s “%(name)s” (item %(number)s): %(errors)s") % {
            "kind": str(self.obj._meta.verbose_name).capitalize(),
            "name": _label(self.obj),
            "number": self.index + 1,
            "errors": errors,
        }


def _label(obj: models.Model) -> str:
    try:
        return str(obj)
    except Exception:  # a half-filled object (no organization yet) may not print
        return getattr(obj, "public_id", "") or "?"


def _chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _refuse(objs: Sequence, obj, field: str, message) -> None:
    raise InvalidObject(obj, objs.index(obj), ValidationError({field: [message]}))


# --- new objects ---------------------------------------------------------------------------------


def instance(model, **values) -> models.Model:
    """A new object, as `model(**values)` makes it (every other field at its default), without
    Model.__init__'s walk over every field for each argument: a million rows make millions.
    `values` are set as attributes (a foreign key's or a country's descriptor sees them)."""
    plan = _defaults(model)
    if plan is None:  # a model with init signals: as Django does it
        return model(**values)
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    for attname, default, call in plan:
        attributes[attname] = default() if call else default
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


@functools.cache
def _defaults(model) -> list[tuple[str, object, bool]] | None:
    """(attname, default, whether to call it) of each field, as Model.__init__ sets them;
    None when the model has init signals, which this does not send."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return None
    plan = []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            plan.append((f.attname, f.default, True))
        else:
            plan.append((f.attname, f.get_default(), False))
    return plan


# --- validation ----------------------------------------------------------------------------------


def _validate(model, objs: Sequence, *, creating: bool, report=None, database=True) -> list:
    """What full_clean() checks, with the checks that cost a query per object done once per
    chunk: choices (once per distinct value), foreign keys, unique fields; check constraints are
    the database's, and named by _named_integrity_error when it refuses. The first object
    refused raises InvalidObject; with `report`, each refused object is given to it instead and
    left out: the objects that passed are returned. `database=False`: without the checks that
    ask the database (foreign keys, unique fields)."""
    choice_fields = [f for f in model._meta.concrete_fields if f.choices and not f.is_relation]
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    exclude = {f.name for f in choice_fields} | {f.name for f in relations}
    checks = _field_checks(model, frozenset(exclude))
    refused: dict[int, InvalidObject] = {}

    def refuse(obj, error: ValidationError) -> None:
        if id(obj) in refused:
            return
        invalid = InvalidObject(obj, objs.index(obj), error)
        if report is None:
            raise invalid
        refused[id(obj)] = invalid

    _clean_text(model, objs)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk write")  # keys of parents
        if hasattr(obj, "set_derived"):
            obj.set_derived()
        try:
            _full_clean(obj, checks, exclude)
        except ValidationError as exc:
            refuse(obj, exc)
    for f in choice_fields:
        first = {}
        for obj in objs:
            first.setdefault(obj.__dict__[f.attname], []).append(obj)
        allowed = _choices(f)
        for value, holders in first.items():
            if isinstance(value, str) and value in allowed:
                continue  # what f.clean() would return unchanged, without walking the choices
            if not (f.blank and value in f.empty_values):
                try:
                    f.clean(value, holders[0])
                except ValidationError as exc:
                    for obj in holders:
                        refuse(obj, ValidationError({f.name: [" ".join(exc.messages)]}))
    for f in relations if database else ():
        ids = {getattr(obj, f.attname) for obj in objs} - {None}
        found = _present(f.related_model, f.related_model._meta.pk, ids)
        for obj in objs:
            value = getattr(obj, f.attname)
            if value is None and not f.null:
                refuse(obj, ValidationError({f.name: [f.error_messages["null"]]}))
            if value is not None and value not in found:
                message = _("It points at a row that does not exist.")
                refuse(obj, ValidationError({f.name: [message]}))
    unique = [f for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    if not database:
        unique = []
    for f in unique:
        seen: dict = {}
        for obj in objs:
            value = getattr(obj, f.attname)
            if value in seen:
                refuse(obj, ValidationError({f.name: [_("Given twice in the same batch.")]}))
            seen[value] = obj
        for value, pk in _present(model, f, seen, with_pk=True):
            if creating or pk != seen[value].pk:
                message = _("This value is already in the record.")
                refuse(seen[value], ValidationError({f.name: [message]}))
    if refused:
        for invalid in sorted(refused.values(), key=lambda invalid: invalid.index):
            report(invalid)
        return [obj for obj in objs if id(obj) not in refused]
    return list(objs)


def _present(model, field: models.Field, values, *, with_pk: bool = False) -> set:
    """Which of `values` (of a plain column: a key, a public id) the table holds: a query a
    chunk, written as SQL (building the same IN (...) through the ORM costs more than the
    query). with_pk: (value, pk) pairs."""
    quote, opts = connection.ops.quote_name, model._meta
    columns = quote(field.column) + (f", {quote(opts.pk.column)}" if with_pk else "")
    found = set()
    with connection.cursor() as cursor:
        for part in _chunks(sorted(v for v in values if v is not None)):
            cursor.execute(
                "SELECT {} FROM {} WHERE {} IN ({})".format(  # noqa: S608 - names from the model
                    columns,
                    quote(opts.db_table),
                    quote(field.column),
                    ", ".join(["%s"] * len(part)),
                ),
                list(part),
            )
            found.update(tuple(row) if with_pk else row[0] for row in cursor.fetchall())
    return found


# Validators a text field's fast check covers (CharField adds both; TextField none or one),
# and a SlugField's own, with its pattern.
_TEXT_VALIDATORS = (MaxLengthValidator, ProhibitNullCharactersValidator)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _field_checks(model, exclude: frozenset) -> list:
    """For each field full_clean() would clean: (field, fast) where fast(value) is True only
    when field.clean would return the value unchanged without an error (plain text within its
    length, a bool, an empty value of a blank field): those skip field.clean, which costs more
    than the rest of a bulk write's validation together. None: always field.clean."""
    key = (model, exclude)
    if key not in _CHECKS:
        checks = []
        for f in model._meta.fields:
            if f.name in exclude or f.generated:
                continue
            checks.append((f, _fast_check(f)))
        _CHECKS[key] = checks
    return _CHECKS[key]


_CHECKS: dict = {}


def _fast_check(f: models.Field):
    blank, empty = f.blank, f.empty_values
    text = type(f).to_python in (models.CharField.to_python, models.TextField.to_python)
    slug = any(v is validate_slug for v in f.validators)
    if (
        text
        and not f.choices
        and all(isinstance(v, _TEXT_VALIDATORS) or v is validate_slug for v in f.validators)
        and type(f).validate is models.Field.validate
    ):
        limit = f.max_length

        def check(value) -> bool:
            if type(value) is not str:
                return blank and value in empty
            if not value:
                return blank
            if slug and not _SLUG.fullmatch(value):
                return False
            return (limit is None or len(value) <= limit) and "\x00" not in value

        return check
    if type(f) is models.BooleanField and not f.validators:
        return lambda value: type(value) is bool
    return lambda value: blank and value in empty  # as clean_fields: a blank field left empty


def _full_clean(obj, checks: list, exclude: set) -> None:
    """obj.full_clean(exclude, validate_unique=False, validate_constraints=False), with the
    fast checks first: on anything they do not pass, the real thing, for its exact messages."""
    values = obj.__dict__
    for f, fast in checks:
        value = values[f.attname] if f.attname in values else getattr(obj, f.attname)
        if not fast(value):
            try:
                setattr(obj, f.attname, f.clean(value, obj))
            except ValidationError:
                break
    else:
        try:
            obj.clean()
            return
        except ValidationError:
            pass
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def check_values(model, values: dict, *, pk: int | None = None) -> ValidationError | None:
    """What the writer's create (`pk` None) or update (`pk`: the object's; its fields not in
    `values` taken as valid as they are stored) would refuse in an object of `model` with
    `values` (the other fields of a new one at their defaults): None, or the error it reports,
    without what it asks the database (foreign keys, unique values; a public id drawn twice is
    drawn again). For a dry run that writes nothing (exchange/formats/orgs_csv/check.py):
    values the fast checks vouch for need no instance; any other is checked on one, by
    _validate itself, for its exact messages."""
    return check_many(model, [values], pks=[pk]).get(0)


def check_many(model, many: Sequence[dict], *, pks: Sequence | None = None) -> dict:
    """check_values for many objects of one model (`pks`: each one's, or None): the errors
    of those refused, by their position."""
    derive, fast_clean = _DERIVE_FAST[model], _FAST_CLEAN[model]
    refused = {}
    for i, values in enumerate(many):
        given = {name: clean(v) if type(v) is str else v for name, v in values.items()}
        derive(given)
        checks = _given_plan(model, tuple(given))
        if checks is not None and fast_clean(given):
            for attname, check in checks:
                if not check(given[attname]):
                    break
            else:
                continue
        error = _check_on_instance(model, values, pks[i] if pks else None)
        if error is not None:
            refused[i] = error
    return refused


@functools.cache
def _given_plan(model, names: tuple[str, ...]) -> list | None:
    """The fast checks of the fields named (`names`, given or derived), when the others'
    defaults pass theirs; else None (every object on an instance)."""
    checks = []
    for attname, check, default_ok in _value_plan(model):
        if attname in names:
            checks.append((attname, check))
        elif not default_ok:
            return None
    return checks


def _check_on_instance(model, values: dict, pk) -> InvalidObject | None:
    obj = model(**{k: v for k, v in values.items() if k not in _DERIVED.get(model, ())})
    if pk is not None:
        obj.pk = pk
        obj._state.adding = False
        if model is Organization:  # its language as stored: clean() asks no query
            obj._stored_description_language = obj.description_language
    refused: list[InvalidObject] = []
    _validate(model, [obj], creating=pk is None, report=refused.append, database=False)
    return refused[0] if refused else None


# The fields set_derived() computes that a check can fail, added to the values given. An
# organization's slug is left out: make_slug gives at most 80 of slugify's characters (or a
# word), which a SlugField of 90 always takes.
_DERIVE_FAST = {
    Organization: lambda values: values.__setitem__("name_key", name_key(values["name"])),
    OrganizationName: lambda values: values.__setitem__("name_key", name_key(values["name"])),
    Identifier: lambda values: values.__setitem__(
        "normalized", normalize_identifier(values["scheme"], values["value"])
    ),
}

# What clean() checks beyond the fields, without an instance: True when it surely passes
# (an organization's clean() only asks about a description language changed, which the
# callers of check_values do not change; an identifier's, identifier_error).
_FAST_CLEAN = {
    Organization: lambda values: "description_language" not in values,
    OrganizationName: lambda values: True,
    Identifier: lambda values: identifier_error(values["scheme"], values["value"]) is None,
}


@functools.cache
def _choices(f: models.Field) -> frozenset[str]:
    """The values a field with choices takes (a CountryField's choices are walked, and
    translated, on each clean)."""
    return frozenset(str(value) for value, _label in f.flatchoices)


@functools.cache
def _value_plan(model) -> list[tuple[str, object, bool]]:
    """(attname, fast check, whether the field's default passes) for each field check_values
    checks: _validate's fields and choices, without the foreign keys."""
    plan = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.is_relation or f.generated:
            continue
        if f.choices:
            allowed, blank, empty = _choices(f), f.blank, f.empty_values

            def check(value, allowed=allowed, blank=blank, empty=empty) -> bool:
                return (isinstance(value, str) and value in allowed) or (blank and value in empty)

        else:
            check = _fast_check(f)
        default = f.get_default()
        try:
            default_ok = check(default) or f.clean(default, None) == default
        except ValidationError:
            default_ok = False
        plan.append((f.attname, check, default_ok))
    return plan


@contextmanager
def _named_integrity_error(objs: Sequence) -> Iterator[None]:
    """A constraint the database enforces (a check, one translation per language), refused by
    the database for the whole statement: find the object by checking them one by one."""
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL's transaction stays usable
            yield
    except IntegrityError:
        for i, obj in enumerate(objs):
            try:
                obj.validate_constraints()
            except ValidationError as exc:
                raise InvalidObject(obj, i, exc) from None
        raise


# --- rows and history ----------------------------------------------------------------------------


def _columns(model, fields: Sequence[str] | None) -> list[models.Field]:
    """The columns an update writes: every one but the key and those visibility.py owns (as a
    service's save), or the fields named with the derived ones and the time of the change."""
    opts = model._meta
    writable = [
        f for f in opts.concrete_fields if not f.primary_key and f.name not in OWNED_BY_VISIBILITY
    ]
    if fields is None:
        return writable
    named = {opts.get_field(name).name for name in fields}
    derived = {name for name, sources in _DERIVED_FROM.get(model, {}).items() if sources & named}
    stamped = {f.name for f in writable if getattr(f, "auto_now", False)}
    return [f for f in writable if f.name in named | derived | stamped]


# Fields set_derived() computes: written with any update of the fields they come from (an
# indexed key rewritten for nothing costs its index's pages).
_DERIVED_FROM = {
    Organization: {"slug": {"name"}, "name_key": {"name"}},
    OrganizationName: {"name_key": {"name"}},
    Identifier: {"normalized": {"scheme", "value"}},
    Product: {"slug": {"name"}},
}
_DERIVED = {
    Organization: {"slug", "name_key"},
    OrganizationName: {"name_key"},
    Identifier: {"normalized"},
    Product: {"slug"},
}


_TEXT = {"CharField", "TextField", "SlugField"}  # a CountryField's and a URLField's too
_NUMBER = {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField"}
_NUMBER |= {"PositiveIntegerField", "PositiveSmallIntegerField", "BooleanField", "FloatField"}
_NUMBER |= {"ForeignKey"}


def _as_is(field: models.Field) -> tuple:
    """The Python types of values a field hands to the database unchanged: those skip
    get_db_prep_save, which cost more than the rest of a bulk write together."""
    kind = field.get_internal_type()
    if kind in _TEXT:
        return (str, type(None))
    if kind in _NUMBER:
        return (int, bool, float, type(None))
    return (type(None),)


def _values(objs: Sequence, fields: Sequence[models.Field]) -> list[list]:
    """The values of `fields` of each object, as the database takes them; read from the
    instance's dict (a CountryField's attribute builds a Country object on each read)."""
    plan = [(f.attname, _as_is(f), f.get_internal_type() == "DateTimeField", f) for f in fields]
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for obj in objs:
        values, row = obj.__dict__, []
        for attname, plain, is_time, f in plan:
            value = values[attname] if attname in values else getattr(obj, attname)
            if type(value) in plain:
                row.append(value)
            elif is_time and type(value) is datetime and value.tzinfo is not None:
                row.append(adapt(value))  # what get_db_prep_save does to an aware time
            else:
                row.append(f.get_db_prep_save(value, connection))
        rows.append(row)
    return rows


def _insert(model, objs: Sequence, now) -> None:
    """INSERT ... RETURNING the keys: what bulk_create does, without compiling each value
    through the ORM. PostgreSQL takes one statement a row in a pipeline (psycopg parses a long
    statement slowly); SQLite a statement of BATCH rows (its executemany returns nothing)."""
    opts, quote = model._meta, connection.ops.quote_name
    fields = [f for f in opts.concrete_fields if f is not opts.auto_field]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - names from the model
        quote(opts.db_table), ", ".join(quote(f.column) for f in fields)
    )
    group = "({})".format(", ".join(["%s"] * len(fields)))
    returning = f" RETURNING {quote(opts.pk.column)}"
    with connection.cursor() as cursor:
        for part in _chunks(objs):
            rows = _values(part, fields)
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with connection.wrap_database_errors:  # as Django's own cursor: IntegrityError
                    raw.executemany(head + group + returning, rows, returning=True)
                    keys = [raw.fetchone()[0]]
                    while raw.nextset():
                        keys.append(raw.fetchone()[0])
            else:
                sql = f"{head}{', '.join([group] * len(part))}{returning}"
                cursor.execute(sql, [value for row in rows for value in row])
                keys = [pk for (pk,) in cursor.fetchall()]
            for obj, pk in zip(part, keys, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


def _clean_text(model, objs: Sequence) -> None:
    """cleantext.clean_instance, which the pre_save receiver runs on every save."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
    ]
    for obj in objs:
        values = obj.__dict__
        for name in names:
            value = values.get(name)
            if type(value) is str and (cleaned := clean(value)) is not value:
                values[name] = cleaned


def _execute_many(sql: str, rows: list) -> None:
    with connection.cursor() as cursor:
        for part in _chunks(rows, 2000):
            cursor.executemany(sql, part)


def _write_updates(model, objs: Sequence, columns: list[models.Field], now) -> None:
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in columns),
        quote(model._meta.pk.column),
    )
    for obj in objs:
        for f in columns:
            if getattr(f, "auto_now", False):
                setattr(obj, f.attname, now)
    _execute_many(
        sql, [[*row, obj.pk] for obj, row in zip(objs, _values(objs, columns), strict=True)]
    )


def _write_history(model, objs: Sequence, kind: str, reason: str | list[str], user, now) -> None:
    """The rows simple_history writes on each save: the tracked fields as the instance holds
    them, and when, who ("+" created, "~" changed) and why (one reason, or one an object)."""
    history = model.history.model
    if user is None:  # as simple_history, without a user on the instance: the request's, if any
        user = history.get_default_history_user(objs[0])
    given = {
        "history_date": now,
        "history_user_id": user.pk if user is not None else None,
        "history_type": kind,
    }
    fields = {f.attname: f for f in history._meta.concrete_fields}
    tracked = [fields[f.attname] for f in history.tracked_fields]
    constants = [fields[name].get_db_prep_save(value, connection) for name, value in given.items()]
    reasons = [reason] * len(objs) if isinstance(reason, str) else reason
    quote = connection.ops.quote_name
    columns = [f.column for f in tracked] + [fields[name].column for name in given]
    columns.append(fields["history_change_reason"].column)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(history._meta.db_table),
        ", ".join(map(quote, columns)),
        ", ".join(["%s"] * len(columns)),
    )
    rows = _values(objs, tracked)
    _execute_many(sql, [[*row, *constants, why] for row, why in zip(rows, reasons, strict=True)])


# --- the writer ----------------------------------------------------------------------------------


class Writer:
    def __init__(self, actor, reason: str) -> None:
        self.actor, self.reason = actor, reason
        self.user = actor if actor is not None and actor.is_authenticated else None
        self.search_orgs: set[int] = set()
        # Organizations this writer created, with the details it gave them since: their
        # search text is computed here rather than read back (see close()).
        self.fresh: dict[int, visibility.SearchFields] = {}
        self.fresh_touched: set[int] = set()
        self.wrote = False

    def _model(self, objs: Sequence):
        model = type(objs[0])
        if model not in MODELS:
            raise TypeError(f"The bulk writer does not write {model.__name__} (see bulk.MODELS).")
        if any(type(obj) is not model for obj in objs):
            raise TypeError("One call writes objects of one model.")
        return model

    def create(self, objs: Sequence, *, reason: str | None = None, invalid=None) -> list:
        """Insert new objects, as services.save_record creates each: permission, validation,
        a "+" history row; a link also gets its first status event. `invalid`: a function
        given each object refused (InvalidObject), which is left out, instead of raising;
        returns the objects written."""
        objs = list(objs)
        if not objs:
            return objs
        model = self._model(objs)
        services.check_permission(self.actor, services.perm_name(objs[0], "add"))
        if model is Link and any(o.status == LinkStatus.CONFIRMED for o in objs):
            services.check_permission(self.actor, "record.publish_link")
        given = clean(reason if reason is not None else self.reason)
        objs = _validate(model, objs, creating=True, report=invalid)
        if not objs:
            return objs
        now = timezone.now()
        if model is Organization:
            # The text of an organization without other names or identifiers: the rows that
            # add some have it rebuilt (close()).
            for obj in objs:
                obj.search_text = visibility.search_text(visibility.SearchFields(obj.name))
        with _named_integrity_error(objs):
            _insert(model, objs, now)
        if model is Organization:
            for obj in objs:
                obj._stored_description_language = obj.description_language
                self.fresh[obj.pk] = visibility.SearchFields(obj.name)
        created = _("Cited") if model is Citation else _("Created")  # as each service words it
        _write_history(model, objs, "+", given or created, self.user, now)
        if model is Link:
            note = given or _("First recorded")
            LinkStatusEvent.objects.bulk_create(
                [
                    LinkStatusEvent(
                        link=link,
                        old_status="",
                        new_status=link.status,
                        effective=link.start,
                        note=note,
                        created_by=self.user,
                        created_at=now,
                    )
                    for link in objs
                ],
                batch_size=BATCH,
            )
        self._after(model, objs, created=True)
        return objs

    def update(
        self,
        objs: Sequence,
        fields: Sequence[str] | None = None,
        *,
        reason: str | None = None,
        invalid=None,
    ) -> list:
        """Write changed objects, as services.update_record: permission, a reason, validation,
        a "~" history row of the whole object. `fields`: the columns to write (with those
        derived from them), else every column but the flags, as a service's save does.
        `invalid`: as create's; returns the objects written."""
        objs = list(objs)
        if not objs:
            return objs
        model = self._model(objs)
        services.check_permission(self.actor, services.perm_name(objs[0], "change"))
        reason = clean(services.require_reason(reason if reason is not None else self.reason))
        for i, obj in enumerate(objs):
            if obj.pk is None or obj._state.adding:
                raise InvalidObject(obj, i, ValidationError(_("Not in the record yet.")))
        _load_deferred(model, objs)
        objs = _validate(model, objs, creating=False, report=invalid)
        if objs:
            self._save_changes(model, objs, _columns(model, fields), reason)
        return objs

    def publish(self, objs: Sequence, *, reason: str | None = None) -> list:
        """Publish organizations, products, sites or links, as services.publish does each: not
        deleted, cited, and everything they name public (published by an earlier call)."""
        objs = list(objs)
        if not objs:
            return objs
        model = self._model(objs)
        if not issubclass(model, Publishable):
            raise TypeError(f"{model.__name__} is not published.")
        services.check_permission(self.actor, services.perm_name(objs[0], "publish"))
        for obj in objs:
            if obj.is_deleted:
                _refuse(
                    objs,
                    obj,
                    NON_FIELD_ERRORS,
                    _("A deleted record cannot be published; restore it first."),
                )
        cited = set()
        for part in _chunks([obj.pk for obj in objs]):
            alive = Citation.objects.alive().filter(**{f"{model.citation_field}__in": part})
            cited |= set(alive.values_list(model.citation_field, flat=True))
        for obj in objs:
            if obj.pk not in cited:
                message = _(
                    "%(kind)s “%(name)s” cannot be published without at least one citation: add a source first."
                ) % {"kind": str(model._meta.verbose_name).capitalize(), "name": obj}
                _refuse(objs, obj, NON_FIELD_ERRORS, message)
        for field in _NEEDS.get(model, ()):
            target = model._meta.get_field(field).related_model
            ids = sorted({getattr(obj, f"{field}_id") for obj in objs} - {None})
            public = set()
            for part in _chunks(ids):
                public |= set(
                    target.objects.public().filter(pk__in=part).values_list("pk", flat=True)
                )
            for obj in objs:
                other = getattr(obj, f"{field}_id")
                if other is not None and other not in public:
                    message = _(
                        "Publish “%(name)s” first: a record is public only when what it names is public."
                    ) % {"name": getattr(obj, field)}
                    _refuse(objs, obj, NON_FIELD_ERRORS, message)
        now = timezone.now()
        waiting = [obj for obj in objs if obj.published_at is None]
        for obj in waiting:
            obj.published_at, obj.published_by = now, self.user
        if waiting:
            _load_deferred(model, waiting)
            given = clean(reason if reason is not None else self.reason)
            self._save_changes(model, waiting, _columns(model, None), given or _("Published"))
        return objs

    def change_status(self, changes: Sequence[tuple[Link, str, str, str]]) -> list:
        """Move links to other statuses, as services.change_status does each: `changes` are
        (link, new status, note, effective date); each note is required and kept in a dated
        LinkStatusEvent (returned). A link is named once a call."""
        changes = list(changes)
        if not changes:
            return []
        links = [link for link, *_rest in changes]
        if len({link.pk for link in links}) != len(links):
            raise ValueError("A link's status changes once a call: give the next in another.")
        services.check_permission(self.actor, "record.change_link")
        if any(status == LinkStatus.CONFIRMED for _link, status, *_rest in changes):
            services.check_permission(self.actor, "record.publish_link")
        _load_deferred(Link, links)
        for i, (link, status, note, effective) in enumerate(changes):
            errors = services.status_change_errors(link, status, note=note, effective=effective)
            if errors:
                raise InvalidObject(link, i, ValidationError(errors))
        now, events, reasons = timezone.now(), [], []
        for link, status, note, effective in changes:
            event = LinkStatusEvent(
                link=link,
                old_status=link.status,
                new_status=status,
                effective=str(PartialDate.parse(effective)) if effective else "",
                note=clean(note.strip()),
                created_by=self.user,
                created_at=now,
            )
            if status == LinkStatus.ENDED and not link.end:
                link.end = event.effective
            elif link.status == LinkStatus.ENDED and status != LinkStatus.ENDED:
                link.end = ""  # it resumed: the end date no longer holds (the event keeps it)
            link.status = status
            label = LinkStatus(status).label
            reasons.append(
                clean(_("Status: %(status)s — %(note)s") % {"status": label, "note": note})
            )
            events.append(event)
        _validate(Link, links, creating=False)
        LinkStatusEvent.objects.bulk_create(events, batch_size=BATCH)
        self._save_changes(Link, links, _columns(Link, None), reasons)
        return events

    def soft_delete(self, objs: Sequence, *, reason: str | None = None) -> list:
        """Delete records softly, as services.soft_delete does each: permission, a reason, the
        time of deletion, a "~" history row of the whole object and the flags. Those deleted
        already are left as they are; returns the objects deleted now. Only the time of the
        deletion and of the change are written: a save writes the other columns unchanged,
        and an organization's search text (its names) does not change with its deletion."""
        objs = list(objs)
        if not objs:
            return objs
        model = self._model(objs)
        services.check_permission(self.actor, services.perm_name(objs[0], "delete"))
        reason = clean(services.require_reason(reason if reason is not None else self.reason))
        _load_deferred(model, objs)
        objs = [obj for obj in objs if obj.deleted_at is None]
        if not objs:
            return objs
        now = timezone.now()
        _clean_text(model, objs)  # what a save does before writing: the history row has it
        for obj in objs:
            obj.deleted_at = now
        stamped = [f for f in _columns(model, None) if getattr(f, "auto_now", False)]
        columns = [model._meta.get_field("deleted_at"), *stamped]
        _write_updates(model, objs, columns, now)
        _write_history(model, objs, "~", reason, self.user, now)
        self._after(model, objs)
        return objs

    def remove_details(self, objs: Sequence, *, reason: str | None = None) -> list:
        """Remove other names, identifiers or translations of a description (which have no
        soft deletion), as services.remove_detail does each: permission to change
        organizations, a reason, a "-" history row, the row deleted; on leaving, the search
        text of their organizations is rebuilt."""
        objs = list(objs)
        if not objs:
            return objs
        model = self._model(objs)
        if model not in _DETAILS:
            raise TypeError(f"{model.__name__} is not a detail of an organization.")
        services.check_permission(self.actor, "record.change_organization")
        reason = clean(services.require_reason(reason if reason is not None else self.reason))
        _load_deferred(model, objs)
        _write_history(model, objs, "-", reason, self.user, timezone.now())
        # Nothing points at a detail (no cascade): the rows go with one statement a chunk.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for part in _chunks([obj.pk for obj in objs]):
                cursor.execute(
                    "DELETE FROM {} WHERE {} IN ({})".format(  # noqa: S608 - names from the model
                        quote(model._meta.db_table),
                        quote(model._meta.pk.column),
                        ", ".join(["%s"] * len(part)),
                    ),
                    list(part),
                )
        self.search_orgs |= {obj.organization_id for obj in objs}
        self.wrote = True
        return objs

    def _save_changes(self, model, objs: Sequence, columns, reason: str | list[str]) -> None:
        now = timezone.now()
        if model is Organization:  # written with the change: the row is written once
            self.search_orgs |= {obj.pk for obj in objs if obj.pk in self.fresh}  # see close()
            _set_search_text(objs)
            columns = [*columns, model._meta.get_field("search_text")]
        with _named_integrity_error(objs):
            _write_updates(model, objs, columns, now)
        _write_history(model, objs, "~", reason, self.user, now)
        # An organization's country and kind are copied into its links' involvements: when
        # neither was written, only a changed flag asks for them to be rewritten.
        involved = {f.name for f in columns} & {"country", "kind"}
        self._after(model, objs, involved=bool(involved))

    def _after(
        self, model, objs: Sequence, *, involved: bool = True, created: bool = False
    ) -> None:
        """What services.save_with_history does after each save, for the whole call."""
        self.wrote = True
        for part in _chunks(objs, 2000):  # bounded IN (...) lists in visibility.refresh
            self._refresh(model, part, involved=involved, created=created)
        if hasattr(model, "is_public"):  # the instances' flags, as refresh_for leaves them
            quote = connection.ops.quote_name
            sql = statement(
                "SELECT {pk}, is_public FROM {table} WHERE {pk} IN ({IN})",
                pk=quote(model._meta.pk.column),
                table=quote(model._meta.db_table),
            )
            flags = dict(select_in(sql, [obj.pk for obj in objs]))
            for obj in objs:
                obj.is_public = bool(flags[obj.pk])

    def _refresh(
        self, model, objs: Sequence, *, involved: bool = True, created: bool = False
    ) -> None:
        pks = [obj.pk for obj in objs]
        if model is Organization:
            # No link names an organization created by this call: no involvement to rewrite.
            visibility.refresh(orgs=pks, involved=involved and not created)
        elif model is Product:
            visibility.refresh(products=pks)
        elif model is Site:
            visibility.refresh(sites=pks)
        elif model is Link:
            visibility.refresh(links=pks)
        elif model is Citation:
            targets = {
                field: {getattr(obj, f"{name}_id") for obj in objs} - {None}
                for field, name in _CITED.items()
            }
            visibility.refresh(**targets, sources={obj.source_id for obj in objs})
        elif model is Source:
            cites = Citation.objects.filter(source__in=pks)
            visibility.refresh(
                **{
                    field: cites.exclude(**{name: None}).values_list(f"{name}_id", flat=True)
                    for field, name in _CITED.items()
                },
                sources=pks,
            )
        elif model in (OrganizationName, Identifier):
            for obj in objs:
                fresh = self.fresh.get(obj.organization_id) if created else None
                if fresh is None:
                    self.search_orgs.add(obj.organization_id)
                    continue
                if model is OrganizationName:
                    fresh.names.append(SimpleNamespace(name=obj.name))
                else:
                    fresh.identifiers.append(
                        SimpleNamespace(normalized=obj.normalized, value=obj.value)
                    )
                self.fresh_touched.add(obj.organization_id)

    def close(self) -> None:
        # The text of an organization created here with at most one other name and one
        # identifier is known without reading it back; with more, their order is the
        # database's (read_for_search), as is any touched otherwise.
        known = []
        for pk in sorted(self.fresh_touched - self.search_orgs):
            fresh = self.fresh[pk]
            if len(fresh.names) > 1 or len(fresh.identifiers) > 1:
                self.search_orgs.add(pk)
            else:
                known.append((visibility.search_text(fresh), pk))
        if known:
            visibility.write_search_text(known)
        if self.search_orgs:
            visibility.refresh_search_text(sorted(self.search_orgs))
        if self.wrote:
            version.bump()


_DETAILS = (OrganizationName, Identifier, OrganizationText)  # removed, not deleted softly
_CITED = {"orgs": "organization", "products": "product", "sites": "site", "links": "link"}
_NEEDS = {Link: ("subject", "object", "product"), Site: ("organization",), Product: ("maker",)}


def _set_search_text(orgs: Sequence[Organization]) -> None:
    """The search text of changed organizations: their names as they are now, their other
    names and identifiers as stored (a later call that changes those has it rebuilt)."""
    for part in _chunks(orgs):
        stored = visibility.read_for_search([org.pk for org in part])
        for org in part:
            read = stored[org.pk]
            read.name = org.name
            org.search_text = visibility.search_text(read)


def _load_deferred(model, objs: Sequence) -> None:
    """Fields left out by .only()/.defer(), read for all the objects at once: the history row
    holds every tracked field, and a save would read them one object at a time."""
    missing = {obj.pk: (obj, obj.get_deferred_fields()) for obj in objs}
    missing = {pk: entry for pk, entry in missing.items() if entry[1]}
    if not missing:
        return
    names = sorted(set().union(*(fields for _obj, fields in missing.values())))
    for part in _chunks(list(missing)):
        for row in model._base_manager.filter(pk__in=part).values("pk", *names):
            obj, fields = missing[row.pop("pk")]
            for name, value in row.items():
                if name in fields:
                    setattr(obj, name, value)
            if model is Organization:
                obj._stored_description_language = obj.description_language


@contextmanager
def writer(*, actor=None, reason: str = "") -> Iterator[Writer]:
    """A bulk write in one transaction (see the module's docstring). `reason` is every history
    row's, unless a call gives its own; updates need one."""
    with transaction.atomic():
        w = Writer(actor, reason)
        yield w
        w.close()


def refresh_derived() -> int:
    """After rows were loaded as they were stored, history included (a restore): the visibility
    flags and search text made to agree with the rules, the involvements rebuilt and the
    record's version raised when a flag was wrong. Returns how many flags were corrected."""
    changed = sum(len(visibility.update_flags(model, None)) for model in visibility.ORDER)
    visibility.refresh_search_text()
    if changed:
        visibility.sync_involvements(None)
        version.bump()
    return changed
