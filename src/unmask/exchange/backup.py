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
bad archive changes nothing. It then resets PostgreSQL's sequences, verifies the derived
visibility flags (recomputing them only if they disagree with the rules), writes the media
files and clears the cache.
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import io
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import unmask
from unmask.cleantext import clean_instance

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
                serializers.serialize(
                    "jsonl",
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


BATCH = 2000  # rows inserted with one statement


@contextmanager
def _times_as_archived(model) -> Iterator[None]:
    """bulk_create stamps auto_now(_add) fields with the time of the insert, as a raw save()
    does not: switch that off for the archive's times to stay."""
    stamped = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    try:
        for f in stamped:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _load_model(archive, entry: dict, model) -> int:
    """Insert the rows of one member. Rows of a table that was empty go in by batches
    (bulk_create: no signals, the archive carries the derived state); rows of the tables
    migrations seed (content types, permissions...) one by one, updating those that exist."""
    count = 0
    seeded = entry["model"] in SEEDED_MODELS
    bulk = not seeded and not model._meta.parents  # multi-table inheritance: one by one
    pending: list[tuple[models.Model, dict]] = []
    writing = ""  # the rows being written, for an error's message

    def flush() -> None:
        nonlocal writing
        writing = f"rows {count - len(pending) + 1}-{count}"
        with _times_as_archived(model):
            model._base_manager.bulk_create([obj for obj, _m2m in pending])
        for obj, m2m_data in pending:
            if m2m_data:
                _save_m2m(obj, m2m_data, created=True)
        pending.clear()
        writing = ""

    with archive.open(entry["member"]) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8")
        try:
            for item in serializers.deserialize("jsonl", stream, handle_forward_references=False):
                obj = item.object
                if type(obj) is not model:
                    raise BackupError(
                        f"{entry['member']} holds a {obj._meta.label_lower}, "
                        f"not a {entry['model']}. Nothing was restored."
                    )
                count += 1
                if model.__module__.startswith("unmask."):
                    clean_instance(obj)  # text stored before cleantext, as bulk_create skips it
                if bulk and obj.pk is not None:
                    pending.append((obj, item.m2m_data))
                    if len(pending) >= BATCH:
                        flush()
                    continue
                created = obj.pk is None or not seeded
                m2m_data = item.m2m_data  # save() forgets it
                writing = f"row {count}"
                item.save(save_m2m=False, force_insert=created)
                if m2m_data:
                    _save_m2m(obj, m2m_data, created)
                writing = ""
            if pending:
                flush()
        except (DeserializationError, DatabaseError, ValueError, LookupError) as exc:
            where = writing or f"row {count + 1}"  # else the row being read
            raise BackupError(f"{entry['member']}, {where}: {exc}. Nothing was restored.") from exc
    if count != entry["rows"]:
        raise BackupError(
            f"{entry['member']} holds {count} rows, the manifest says {entry['rows']}. "
            "Nothing was restored."
        )
    return count


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
                    for entry, model in wanted:
                        counts[entry["model"]] = _load_model(archive, entry, model)
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
