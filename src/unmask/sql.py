"""select_in(): the rows of a statement whose IN list is given, a part at a time. For the bulk
paths (imports, their checks and undo, search text) that ask for thousands of keys: building
the same IN list through the ORM costs more than running the query. raw_rows(): a queryset's
rows as the driver returns them, for payloads that read thousands (the calendar)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router

PART = 500  # values in one IN (...) list (SQLite's limit of parameters is 999 on old builds)


def select_in(sql: str, values: Iterable, *first) -> list[tuple]:
    """The rows of `sql`, whose "{}" is an IN list of `values` (PART at a time, in order),
    after the parameters `first`."""
    values = sorted(values)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for i in range(0, len(values), PART):
            part = values[i : i + PART]
            cursor.execute(sql.format(", ".join(["%s"] * len(part))), [*first, *part])
            found += cursor.fetchall()
    return found


def reading(model):
    """The connection a read of `model` goes to: the replica in a reader's request, where one
    is configured (web/replica.py), else the primary. Raw SQL that reads uses it."""
    return connections[router.db_for_read(model)]


def statement(template: str, **names: str) -> str:
    """`template` with the names of tables and columns put in ({orgs}...: from the models, or
    our own, never a value); "{IN}" stays "{}", select_in's placeholders."""
    return template.format(**names, IN="{}")


def objects_in(model, ids: Iterable) -> dict:
    """The objects of `model` with these ids, whole, by id: a raw() query PART ids at a time
    (each value converted as a query does), for the bulk paths that load thousands."""
    quote, opts = connection.ops.quote_name, model._meta
    sql = statement(
        "SELECT {columns} FROM {table} WHERE {pk} IN ({IN})",
        columns=", ".join(quote(f.column) for f in opts.concrete_fields),
        table=quote(opts.db_table),
        pk=quote(opts.pk.column),
    )
    found = {}
    ids = sorted(set(ids))
    for i in range(0, len(ids), PART):
        part = ids[i : i + PART]
        for obj in model._base_manager.raw(sql.format(", ".join(["%s"] * len(part))), part):
            found[obj.pk] = obj
    return found


def raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset, in its SQL, as the database driver returns them:
    without Django's converters, which cost more than the query on a payload of thousands of
    rows. A date-time is naive on SQLite (`aware` makes it aware); a boolean may be 0 or 1."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a condition nothing meets (pk__in=[]): as the queryset, no rows
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def aware(value) -> datetime | None:
    """A date-time from raw_rows, aware: PostgreSQL's driver gives it so; SQLite's gives it
    naive (or as text, by its column's declared type), in UTC, as Django writes it."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
