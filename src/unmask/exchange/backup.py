"""One archive of the whole site, and back: `unmask backup` and `unmask restore`.

The archive is a zip file:

- ``manifest.json``: format and version, when and from what it was made (unmask version,
  database vendor), the latest applied migration of every app, and for every member its row
  count (or size) and SHA-256;
- ``data/NNN_app.model.jsonl``: the rows of one model, one Django-serialized object a line,
  with natural keys for users, groups, permissions and content types, so that nothing depends
  on the ids a database happened to give them; models come in dependency order;
- ``media/...``: every uploaded file (archived sources, reply documents).

Left out: sessions, content types and permissions (``migrate`` recreates them), sign-in
throttling (axes), and the cache tables (not models). Everything else is in: the record, its
history, the campaign, accounts and their two-factor devices, the admin log, the record's
version counters and the derived tables (visibility flags, involvements, search text).

A backup reads one consistent snapshot (a read-only REPEATABLE READ transaction on
PostgreSQL, a deferred read transaction on SQLite, so writers go on meanwhile) and is written
to a temporary file renamed into place at the end: there is never half an archive under the
given name (and the next backup deletes the temporary file of one that was killed).

A restore verifies every member's checksum, migrates a database that has no tables yet, refuses
a database that is not empty or not at the backup's migrations, then loads everything in one
transaction with foreign-key checks deferred (as ``loaddata`` does) and checked at the end, so a
bad archive changes nothing. Rows go in as stored, many to a statement, read without Django's
deserializer and written without the ORM (see _load_model). It then resets PostgreSQL's
sequences, verifies the derived visibility flags (recomputing them only if they disagree with
the rules), writes the media files and clears the cache.
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import io
import json
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import unmask
from unmask.cleantext import clean, clean_instance

try:  # parses a row several times faster than json
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is optional
    from json import loads as _loads

FORMAT = "unmask-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000  # rows fetched at a time while writing
COPY = 1 << 20

# Not in a backup: recreated by `migrate` (content types, permissions), or state that must not
# travel (sessions, sign-in throttling).
EXCLUDED_MODELS = {
    "sessions.session",
    "contenttypes.contenttype",
    "auth.permission",
    "exchange.importlock",  # imports under way: state of the running site, not data
}
EXCLUDED_APPS = {"axes"}
# Rows `migrate` itself creates (accounts.roles: the role groups): a freshly migrated database
# has them, and a restore writes the archive's over them (matched by natural key, the name).
SEEDED_MODELS = {"auth.group"}


class Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to milliseconds,
    and a restored record would then differ from the original in every timestamp)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class _Lines(JsonlSerializer):
    """Django's JSON Lines serializer writing each row with one json.dumps (the C encoder)
    instead of json.dump, which encodes in Python and writes every fragment: the same text."""

    def end_object(self, obj):
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


class BackupError(Exception):
    """The archive or the target database is not fit; nothing was changed."""


Log = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# --- what is backed up --------------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model with its own table, in an order where whatever a natural key points
    at comes first (users before the history rows that name them)."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        model
        for model in ordered
        if model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.app_label not in EXCLUDED_APPS
        and model._meta.managed
        and not model._meta.proxy
        and not model._meta.auto_created
    ]


def _natural_fk_fields(model) -> list[str]:
    """Foreign keys serialized by natural key: fetched with the row instead of one query each."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.many_to_one
        and hasattr(field.remote_field.model, "natural_key")
    ]


def _rows(model) -> models.QuerySet:
    queryset = model._base_manager.order_by("pk")
    natural = _natural_fk_fields(model)
    return queryset.select_related(*natural) if natural else queryset


def migration_state() -> dict[str, list[str]]:
    """The latest applied migrations of each app (usually one name each)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    latest: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        node = loader.graph.node_map.get((app, name))
        children = node.children if node is not None else set()
        if not any(child[0] == app and child in applied for child in children):
            latest.setdefault(app, []).append(name)
    return latest


# --- writing ------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A binary writer that passes bytes on and keeps their SHA-256 and size."""

    def __init__(self, target):
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent read of the whole database, without blocking writers."""
    if connection.in_atomic_block:  # already in a transaction (tests): read within it
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"  # a WAL read snapshot, not a write lock
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _media_files(storage, directory: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(dirs):
        yield from _media_files(storage, f"{directory}/{name}" if directory else name)


def _member_name(index: int, model) -> str:
    return f"data/{index:03d}_{model._meta.label_lower}.jsonl"


def write_backup(path: str | os.PathLike, log: Log = _quiet) -> dict:
    """Write the archive to `path` (through a temporary file in the same directory)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_killed(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".partial", dir=path.parent
    )
    os.close(handle)
    try:
        with (
            open(temporary, "wb") as out,
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            manifest = _write_members(archive, log)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        os.chmod(temporary, 0o600)  # accounts' password hashes and two-factor secrets are in it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return manifest


def _remove_killed(path: Path) -> None:
    """Delete what backups to `path` that were killed left (.<name>.<pid>.<random>.partial,
    the process gone; older ones, without a pid, too)."""
    for partial in path.parent.glob(f".{glob.escape(path.name)}.*.partial"):
        pid = partial.name[len(path.name) + 2 :].split(".")[0]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            partial.unlink(missing_ok=True)
        except PermissionError:
            pass


def _write_members(archive, log: Log) -> dict:
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": timezone.now().isoformat(timespec="seconds"),
        "unmask_version": unmask.__version__,
        "database_vendor": connection.vendor,
        "migrations": {},
        "models": [],
        "media": [],
    }
    with _snapshot():
        manifest["migrations"] = migration_state()
        for index, model in enumerate(backed_up_models(), start=1):
            start = time.perf_counter()
            member = _member_name(index, model)
            counted = [0]

            def objects(queryset, counted=counted):
                for obj in queryset.iterator(chunk_size=CHUNK):
                    counted[0] += 1
                    yield obj

            info = zipfile.ZipInfo(member, date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as raw:
                hashing = _Hashing(raw)
                text = io.TextIOWrapper(io.BufferedWriter(hashing, COPY), encoding="utf-8")
                _Lines().serialize(
                    objects(_rows(model)),
                    stream=text,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                    cls=Encoder,
                )
                text.flush()
                text.detach().detach()  # flushed; the zip member is closed by the with
            manifest["models"].append(
                {
                    "model": model._meta.label_lower,
                    "member": member,
                    "rows": counted[0],
                    "size": hashing.size,
                    "sha256": hashing.sha256.hexdigest(),
                }
            )
            log(
                f"{model._meta.label_lower}: {counted[0]:,} rows "
                f"({time.perf_counter() - start:.1f} s)"
            )
    files = 0
    for name in _media_files(default_storage):
        member = f"media/{name}"
        info = zipfile.ZipInfo(member, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with default_storage.open(name, "rb") as source, archive.open(info, "w") as raw:
            hashing = _Hashing(raw)
            while chunk := source.read(COPY):
                hashing.write(chunk)
        manifest["media"].append(
            {
                "name": name,
                "member": member,
                "size": hashing.size,
                "sha256": hashing.sha256.hexdigest(),
            }
        )
        files += 1
    log(f"media: {files:,} files")
    return manifest


# --- reading ------------------------------------------------------------------------------------


def _open_archive(path: str | os.PathLike):
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} is not a readable zip archive ({exc}).") from None


def read_manifest(archive) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("The archive has no manifest.json: it is not an unmask backup.") from None
    except Exception as exc:
        raise BackupError(f"The archive's manifest.json cannot be read ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json does not describe an unmask backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This is a backup of format version {manifest.get('format_version')}; this unmask "
            f"reads version {FORMAT_VERSION}. Restore it with the unmask version that made it "
            f"({manifest.get('unmask_version')})."
        )
    return manifest


def verify(archive, manifest: dict) -> None:
    """Check every member against the manifest's checksum before anything is loaded."""
    members = [*manifest.get("models", []), *manifest.get("media", [])]
    for entry in members:
        member = entry["member"]
        digest = hashlib.sha256()
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(COPY):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"The archive lacks {member}, which its manifest lists.") from None
        except Exception as exc:  # zip CRC errors, truncated data
            raise BackupError(f"{member} is damaged ({exc}).") from None
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"{member} does not match its checksum in the manifest: the archive is damaged "
                "or was altered. Nothing was restored."
            )
    for entry in manifest.get("media", []):
        name = PurePosixPath(entry["name"])
        if name.is_absolute() or ".." in name.parts:
            raise BackupError(f"The archive names a media file outside the media folder: {name}")


def _check_migrations(manifest: dict) -> None:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    current = migration_state()
    made_by = manifest.get("unmask_version", "?")
    for app, names in sorted(manifest.get("migrations", {}).items()):
        unknown = [n for n in names if (app, n) not in loader.disk_migrations]
        if unknown:
            raise BackupError(
                f"The backup comes from newer migrations of the app '{app}' "
                f"({', '.join(unknown)}) than this installation of unmask knows. Install unmask "
                f"{made_by} or later, run `unmask migrate`, and restore again."
            )
        if any((app, n) not in applied for n in names):
            raise BackupError(
                f"This database is behind the backup in the app '{app}' (the backup is at "
                f"{', '.join(names)}): run `unmask migrate` first, then restore."
            )
        if sorted(current.get(app, [])) != sorted(names):
            raise BackupError(
                f"This database is at newer migrations of the app '{app}' "
                f"({', '.join(current.get(app, []))}) than the backup ({', '.join(names)}). "
                f"Restore into a database of unmask {made_by}, then upgrade it."
            )


def _occupied(models_: list) -> list[str]:
    return [
        model._meta.label_lower
        for model in models_
        if model._meta.label_lower not in SEEDED_MODELS and model._base_manager.exists()
    ]


def _through_tables(model) -> list[str]:
    return [f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many]


def _save_m2m(obj, m2m_data: dict, created: bool) -> None:
    """Write many-to-many rows directly: `.set()` would send m2m_changed signals, which raise
    version counters (campaign/signals.py) that the archive already carries."""
    for name, values in m2m_data.items():
        field = obj._meta.get_field(name)
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        if not created:
            through._base_manager.filter(**{source: obj.pk}).delete()
        through._base_manager.bulk_create(
            [through(**{source: obj.pk, target: value}) for value in values]
        )


BATCH = 2000  # rows inserted with one executemany
_MISSING = object()
_NONE = type(None)
_INTEGERS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}
_INTEGERS |= {"SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField"}
_INTEGERS |= {"PositiveBigIntegerField"}
_UTC_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", re.ASCII)
# In a JSON line as bytes: escapes that may hide a control character, and in UTF-8 what
# clean() drops unescaped (DEL, the C1 controls, U+FFFE and U+FFFF).
_ESCAPES = re.compile(rb"\\[rbfu]")
_UNCLEAN = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]")


def _clean_as_is(line: bytes) -> bool:
    """Whether every string in this JSON line is already as clean() leaves it, checked once
    for the line instead of once a field: no such escape or character, and the line NFC (its
    ASCII quotes bound normalization, so each string is NFC when the line is)."""
    if b"\\" in line and _ESCAPES.search(line):
        return False
    if line.isascii():
        return b"\x7f" not in line
    try:
        return not _UNCLEAN.search(line) and unicodedata.is_normalized("NFC", line.decode())
    except UnicodeDecodeError:  # the parse says what is wrong
        return False


class _RowError(Exception):
    """A row of the archive that cannot be loaded: the message says why."""


class _Keys:
    """Natural keys (a user's name, a group's, a permission's) turned into the keys of this
    database, each looked up once for the whole restore."""

    def __init__(self) -> None:
        self.found: dict = {}

    def get(self, model, key, attname: str):
        if not isinstance(key, list):
            raise _RowError(f"{key!r} is not a natural key of {model._meta.label_lower}")
        memo = (model, attname, *key)
        try:
            return self.found[memo]
        except KeyError:
            pass
        except TypeError:  # an unhashable part: not a key
            raise _RowError(f"{key!r} is not a natural key of {model._meta.label_lower}") from None
        try:
            obj = model._default_manager.get_by_natural_key(*key)
        except ObjectDoesNotExist:
            raise _RowError(
                f"it names the {model._meta.label_lower} {key!r}, which is neither in the "
                "archive nor in this database"
            ) from None
        self.found[memo] = value = getattr(obj, attname)
        return value


def _natural(model) -> bool:
    return hasattr(model._default_manager, "get_by_natural_key")


def _plan_value(field, cleaned: bool, keys: _Keys) -> tuple[frozenset, Callable]:
    """How an archived (JSON) value of `field` becomes what the database takes, planned once a
    column: the types that go as they are, and the conversion of any other value (as the
    deserializer's to_python and bulk_create's get_db_prep_save do)."""

    def generic(value):
        return field.get_db_prep_save(field.to_python(value), connection)

    if field.is_relation:  # a foreign key: the value of the key it points at
        related, target = field.related_model, field.target_field
        plain, convert = _plan_value(target, False, keys)
        if not _natural(related):
            return plain, convert

        def by_natural_key(value):
            if isinstance(value, list):
                found = keys.get(related, value, target.attname)
                return found if type(found) in plain else convert(found)
            return convert(value)

        return plain, by_natural_key
    kind = field.get_internal_type()
    if kind in _INTEGERS:
        return frozenset({int, _NONE}), generic
    if kind == "BooleanField":
        return frozenset({bool, _NONE}), generic
    if kind == "FloatField":
        return frozenset({float, int, _NONE}), generic
    several = getattr(field, "multiple", False)  # a CountryField of several joins them
    if isinstance(field, models.CharField | models.TextField) and not several:
        if not cleaned:
            return frozenset({str, _NONE}), generic

        def text(value):  # clean_instance's rule, for text stored before cleantext
            return clean(value) if type(value) is str else generic(value)

        return frozenset({_NONE}), text
    if kind == "DateTimeField":
        adapt_time = connection.ops.adapt_datetimefield_value
        # SQLite stores a time as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]": the archive's
        # "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (Encoder) is that text but two characters, once the
        # parse has checked it (making the time naive again costs more than the rest of a row)
        as_text = connection.vendor == "sqlite" and connection.timezone_name == "UTC"

        def moment(value):
            if type(value) is str:
                try:
                    parsed = datetime.datetime.fromisoformat(value)
                except ValueError:
                    parsed = None
                if parsed is not None and parsed.tzinfo is not None:
                    if as_text and _UTC_TEXT.fullmatch(value):
                        return f"{value[:10]} {value[11:-1]}"
                    return adapt_time(parsed)
            return generic(value)  # what to_python accepts, or its error

        return frozenset({_NONE}), moment
    if kind == "DateField":
        adapt_date = connection.ops.adapt_datefield_value

        def day(value):
            if type(value) is str:
                try:
                    return adapt_date(datetime.date.fromisoformat(value))
                except ValueError:
                    pass
            return generic(value)

        return frozenset({_NONE}), day
    return frozenset({_NONE}), generic  # JSON, decimals, files...


class _Plan:
    """One model's rows as stored: the INSERT of its table (key first), each archived field's
    column and conversion, and its many-to-many tables."""

    def __init__(self, model, keys: _Keys) -> None:
        opts, quote = model._meta, connection.ops.quote_name
        self.model, self.keys = model, keys
        self.cleaned = cleaned = model.__module__.startswith("unmask.")  # as clean_before_save
        self.fields = [opts.pk, *(f for f in opts.concrete_fields if not f.primary_key)]
        self.key = _plan_value(opts.pk, cleaned, keys)
        self.slots = {
            f.name: (i, *_plan_value(f, cleaned, keys)) for i, f in enumerate(self.fields) if i
        }
        self.clean_slots = {  # for a line _clean_as_is: its text goes as it is
            f.name: (i, *_plan_value(f, False, keys)) for i, f in enumerate(self.fields) if i
        }
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
            quote(opts.db_table),
            ", ".join(quote(f.column) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        self.m2m = {}
        for f in opts.local_many_to_many:
            through = f.remote_field.through
            if not through._meta.auto_created:  # a through model of its own: its own member
                continue
            target = f.related_model
            columns = (
                through._meta.get_field(f.m2m_field_name()).column,
                through._meta.get_field(f.m2m_reverse_field_name()).column,
            )
            sql = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(  # noqa: S608 - as above
                quote(through._meta.db_table), *map(quote, columns)
            )
            self.m2m[f.name] = (sql, target, _plan_value(target._meta.pk, False, keys))
        self.width = len(self.fields)
        self.complete = len(self.fields) - 1 + len(self.m2m)  # the keys of a whole row

    def row(self, pk, fields: dict, links: dict, clean_as_is: bool) -> list:
        """The row's values as the database takes them; its many-to-many keys added to
        `links` (field name: [(key, other key)])."""
        plain, convert = self.key
        row = [pk if type(pk) in plain else convert(pk), *[_MISSING] * (self.width - 1)]
        slots = self.clean_slots if clean_as_is else self.slots
        for name, value in fields.items():
            try:
                index, plain, convert = slots[name]
            except KeyError:
                if name not in self.m2m:
                    raise _RowError(
                        f"{self.model._meta.label_lower} has no field '{name}'"
                    ) from None
                links.setdefault(name, []).extend(
                    (row[0], other) for other in self._others(name, value)
                )
                continue
            try:
                row[index] = value if type(value) in plain else convert(value)
            except _RowError as exc:
                raise _RowError(f"{name}: {exc}") from None
            except ValidationError as exc:
                raise _RowError(f"{name}: {' '.join(exc.messages)}") from None
            except (ValueError, TypeError, LookupError) as exc:
                raise _RowError(f"{name}: {exc}") from None
        if len(fields) != self.complete:  # fields left out: their defaults, as Model() gives
            for i, value in enumerate(row):
                if value is _MISSING:
                    f = self.fields[i]
                    row[i] = f.get_db_prep_save(f.get_default(), connection)
        return row

    def _others(self, name: str, values) -> list:
        _sql, target, (plain, convert) = self.m2m[name]
        if not isinstance(values, list):
            raise _RowError(f"{name}: {values!r} is not a list")
        natural = _natural(target)
        others = []
        try:
            for value in values:
                if natural and isinstance(value, list):
                    value = self.keys.get(target, value, target._meta.pk.attname)
                others.append(value if type(value) in plain else convert(value))
        except ValidationError as exc:
            raise _RowError(f"{name}: {' '.join(exc.messages)}") from None
        except (_RowError, ValueError, TypeError) as exc:
            raise _RowError(f"{name}: {exc}") from None
        return others

    def instance(self, pk, fields: dict) -> tuple[models.Model, dict]:
        """The row as a model instance (Python values, the key found by natural key if the
        archive has none) and its many-to-many keys: for rows saved one by one."""
        model, data, m2m = self.model, {}, {}
        if pk is not None:
            data[model._meta.pk.attname] = model._meta.pk.to_python(pk)
        for name, value in fields.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                raise _RowError(f"{model._meta.label_lower} has no field '{name}'") from None
            try:
                if field.many_to_many:
                    m2m[name] = self._others(name, value)
                elif field.is_relation:
                    related, target = field.related_model, field.target_field
                    if _natural(related) and isinstance(value, list):
                        value = self.keys.get(related, value, target.attname)
                    data[field.attname] = None if value is None else target.to_python(value)
                else:
                    data[field.attname] = field.to_python(value)
            except ValidationError as exc:
                raise _RowError(f"{name}: {' '.join(exc.messages)}") from None
        obj = model(**data)
        if obj.pk is None and _natural(model) and hasattr(model, "natural_key"):
            with suppress(model.DoesNotExist):  # as the deserializer: a row migrate made
                obj.pk = model._default_manager.get_by_natural_key(*obj.natural_key()).pk
        if self.model.__module__.startswith("unmask."):
            clean_instance(obj)  # text stored before cleantext
        return obj, m2m


def _lines(stream) -> Iterator[bytes]:
    """The lines of a binary stream, read a megabyte at a time (readline on a zip member
    costs more than parsing the line)."""
    rest = b""
    while chunk := stream.read(COPY):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _load_model(archive, entry: dict, model, keys: _Keys) -> int:
    """Insert the rows of one member as they are stored, without the ORM: each line parsed,
    its values converted as planned for the column, a table's rows written BATCH at a time by
    one executemany, many-to-many rows likewise (no signals: the archive carries the derived
    state, versions and times as they were). Rows without a key (users, groups: natural keys)
    and the rows of tables migrations seed are saved one by one, the seeded ones updated."""
    count = 0
    seeded = entry["model"] in SEEDED_MODELS
    bulk = not seeded and not model._meta.parents  # multi-table inheritance: one by one
    plan = _Plan(model, keys)
    label = model._meta.label_lower
    pending: list[list] = []
    links: dict[str, list] = {}
    writing = ""  # the rows being written, for an error's message

    def flush() -> None:
        nonlocal writing
        writing = f"rows {count - len(pending) + 1}-{count}"
        with connection.cursor() as cursor:
            cursor.executemany(plan.sql, pending)
            for name, pairs in links.items():
                cursor.executemany(plan.m2m[name][0], pairs)
        pending.clear()
        links.clear()
        writing = ""

    with archive.open(entry["member"]) as raw:
        try:
            for line in _lines(raw):
                if not line.strip():
                    continue
                count += 1
                try:
                    item = _loads(line)
                    fields, pk = item["fields"], item.get("pk")
                    if item["model"] != label and str(item["model"]).lower() != label:
                        raise BackupError(
                            f"{entry['member']} holds a {item['model']}, "
                            f"not a {entry['model']}. Nothing was restored."
                        )
                    if not isinstance(fields, dict):
                        raise _RowError("its fields are not an object")
                    if bulk and pk is not None:
                        as_is = not plan.cleaned or _clean_as_is(line)
                        pending.append(plan.row(pk, fields, links, as_is))
                        if len(pending) >= BATCH:
                            flush()
                        continue
                    obj, m2m_data = plan.instance(pk, fields)
                except (_RowError, ValueError, TypeError, KeyError) as exc:
                    # ValueError: JSON that does not parse (orjson's error is one)
                    raise BackupError(
                        f"{entry['member']}, row {count}: {_reason(exc)}. Nothing was restored."
                    ) from exc
                created = obj.pk is None or not seeded
                writing = f"row {count}"
                models.Model.save_base(obj, raw=True, force_insert=created)
                if m2m_data:
                    _save_m2m(obj, m2m_data, created)
                writing = ""
            if pending:
                flush()
        except (DatabaseError, ValueError, LookupError) as exc:
            where = writing or f"row {count}"
            raise BackupError(f"{entry['member']}, {where}: {exc}. Nothing was restored.") from exc
    if count != entry["rows"]:
        raise BackupError(
            f"{entry['member']} holds {count} rows, the manifest says {entry['rows']}. "
            "Nothing was restored."
        )
    return count


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"it has no {exc}"
    return str(exc)


def _refresh_derived(log: Log) -> None:
    """The archive carries the visibility flags, involvements and search text as they were;
    the record's bulk writer recomputes them (and raises the version) only if they disagree
    with the rules."""
    from unmask.record import bulk

    changed = bulk.refresh_derived()
    if changed:
        log(f"Visibility flags: {changed} corrected, involvements rebuilt.")
    else:
        log("Visibility flags: all as the rules say.")


def _write_media(archive, manifest: dict, written: list[str]) -> tuple[int, int]:
    new = same = 0
    for entry in manifest.get("media", []):
        name = entry["name"]
        if default_storage.exists(name):
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as present:
                while chunk := present.read(COPY):
                    digest.update(chunk)
            if digest.hexdigest() == entry["sha256"]:
                same += 1
                continue
            default_storage.delete(name)
        with archive.open(entry["member"]) as stream:
            saved = default_storage.save(name, File(stream, name=name))
        written.append(saved)
        if saved != name:
            raise BackupError(f"Media file {name} was stored as {saved}.")
        new += 1
    return new, same


def restore(path: str | os.PathLike, log: Log = _quiet) -> dict:
    """Load the archive into this (empty) database; return the rows per model loaded."""
    start = time.perf_counter()
    with _open_archive(path) as archive:
        manifest = read_manifest(archive)
        verify(archive, manifest)
        log(
            f"Archive of {manifest['created']} (unmask {manifest['unmask_version']}, "
            f"{manifest['database_vendor']}): checksums verified."
        )
        if not connection.introspection.table_names():
            log("The database has no tables: running migrate.")
            call_command("migrate", interactive=False, verbosity=0)
        _check_migrations(manifest)

        wanted = []
        for entry in manifest["models"]:
            try:
                wanted.append((entry, apps.get_model(entry["model"])))
            except LookupError:
                raise BackupError(f"This unmask has no model {entry['model']}.") from None
        occupied = _occupied(backed_up_models())
        if occupied:
            raise BackupError(
                "The database is not empty: it has rows in "
                f"{', '.join(occupied[:8])}{' and more' if len(occupied) > 8 else ''}. "
                "Restore only into an empty database (a new one, migrated or not). "
                "Nothing was changed."
            )

        counts: dict[str, int] = {}
        written: list[str] = []
        try:
            with transaction.atomic():
                with connection.constraint_checks_disabled():
                    keys = _Keys()
                    for entry, model in wanted:
                        counts[entry["model"]] = _load_model(archive, entry, model, keys)
                tables = []
                for _entry, model in wanted:
                    tables += [model._meta.db_table, *_through_tables(model)]
                try:
                    connection.check_constraints(table_names=tables)
                except IntegrityError as exc:
                    raise BackupError(
                        f"The archive's rows do not fit together ({exc}). Nothing was restored."
                    ) from exc
                loaded = [model for _entry, model in wanted]
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                        cursor.execute(sql)
                _refresh_derived(log)
                new, same = _write_media(archive, manifest, written)
                log(f"media: {new:,} files written, {same:,} already there")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    cache.clear()
    log(f"Restored {sum(counts.values()):,} rows in {time.perf_counter() - start:.1f} s.")
    return counts
