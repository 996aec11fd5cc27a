"""`unmask backup` → `unmask restore` gives the same site: the same public pages, the same rows
and history, the same uploaded files; on SQLite, on PostgreSQL and from one to the other. A
database that is not empty, a damaged archive and a backup from newer migrations are refused and
change nothing.

The test database is the origin: it is snapshotted and backed up in this process. Each restore
runs `python -m unmask.manage restore` in a subprocess against a fresh database (an SQLite file,
or a PostgreSQL database made for the test and dropped after it), and the same snapshot code runs
there in another subprocess, with uploaded files on disk under its own UNMASK_VAR_DIR.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from unmask.exchange import backup
from unmask.record.models import Organization

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("UNMASK_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Runs here (against the test database) and in subprocesses (against restored ones): what a
# reader sees and every row, in a form that does not depend on the database's ids for users.
SNAPSHOT = textwrap.dedent(
    r"""
    import hashlib, json, re

    def snapshot():
        from django.core import serializers
        from django.core.files.storage import default_storage
        from django.test import Client
        from unmask.campaign.models import Action
        from unmask.exchange import backup
        from unmask.record.models import Organization, Source

        urls = ["/", "/org/", "/map/sites.geojson", "/graph/network.json", "/actions/",
                "/calls/", "/feeds/changes/", "/calendar/actions.ics"]
        for org in Organization.objects.public().order_by("public_id"):
            url = org.get_absolute_url()
            urls += [url, url + "history/"]
        urls += [a.get_absolute_url() for a in Action.objects.public().order_by("public_id")]
        for source in Source.objects.public().order_by("public_id"):
            urls.append(source.get_absolute_url())
            if source.archived_file:
                urls.append(source.archived_file_url)
        client = Client()
        pages = {}
        for url in urls:
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
            text = re.sub(r'(csrfmiddlewaretoken" value=")[^"]*', r"\1", text)
            pages[url] = [response.status_code, text]
        rows = {}
        for model in backup.backed_up_models():
            data = serializers.serialize(
                "python", model._base_manager.order_by("pk"),
                use_natural_foreign_keys=True, use_natural_primary_keys=True,
            )
            rows[model._meta.label_lower] = json.loads(json.dumps(data, default=str))
        media = {}
        for name in backup._media_files(default_storage):
            with default_storage.open(name, "rb") as handle:
                media[name] = hashlib.sha256(handle.read()).hexdigest()
        return {"pages": pages, "rows": rows, "media": media}
    """
)

PROBE = (
    "import django, json, os, sys\n"
    "django.setup()\n" + SNAPSHOT + "\njson.dump(snapshot(), sys.stdout)\n"
)

SETTINGS = (
    "from unmask.settings_test import *  # noqa\n"
    "STORAGES = {**STORAGES, 'default': "
    "{'BACKEND': 'django.core.files.storage.FileSystemStorage'}}\n"
    "ALLOWED_HOSTS = [*ALLOWED_HOSTS, 'testserver']  # noqa\n"
)


def snapshot_here() -> dict:
    namespace: dict = {}
    exec(SNAPSHOT, namespace)
    return json.loads(json.dumps(namespace["snapshot"]()))


# --- databases in subprocesses ------------------------------------------------------------------


def pg_reachable() -> str | None:
    """None if a PostgreSQL server answers, else why not."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pg_ready.py"), PG_URL],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return None if result.returncode == 0 else (result.stderr.strip() or "no answer")


def _maintenance_url() -> str:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from pg_ready import maintenance_url
    finally:
        sys.path.pop(0)
    return maintenance_url(PG_URL)


def _pg_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(_maintenance_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


class Databases:
    """Fresh databases for subprocesses, each with its own UNMASK_VAR_DIR (media, cache)."""

    def __init__(self, base: Path):
        self.base = base
        self.pg_names: list[str] = []
        (base / "backup_test_settings.py").write_text(SETTINGS, encoding="utf-8")
        (base / "probe.py").write_text(PROBE, encoding="utf-8")
        self._template_sqlite: Path | None = None
        self._template_pg: str | None = None

    def env(self, db: dict) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            DATABASE_URL=db["url"],
            UNMASK_VAR_DIR=str(db["var"]),
            DJANGO_SETTINGS_MODULE="backup_test_settings",
            PYTHONPATH=os.pathsep.join([str(self.base), str(ROOT / "src")]),
        )
        return env

    def run(self, db: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, *args],
            env=self.env(db),
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode:
            raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, db: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(db, "-m", "unmask.manage", *args, check=check)

    def snapshot(self, db: dict) -> dict:
        return json.loads(self.run(db, str(self.base / "probe.py")).stdout)

    def _var(self) -> Path:
        var = self.base / f"var-{uuid.uuid4().hex[:8]}"
        var.mkdir()
        return var

    def sqlite(self, migrated: bool = True) -> dict:
        """A new SQLite file: without any table, or copied from one migrated once."""
        var = self._var()
        db = {"vendor": "sqlite", "url": f"sqlite:///{var / 'site.sqlite3'}", "var": var}
        if migrated:
            if self._template_sqlite is None:
                template = {**self.sqlite(migrated=False)}
                self.manage(template, "migrate", "-v0")
                self._template_sqlite = Path(template["url"].removeprefix("sqlite:///"))
            shutil.copy(self._template_sqlite, var / "site.sqlite3")
        return db

    def postgresql(self) -> dict:
        """A new PostgreSQL database, created from one migrated once."""
        if self._template_pg is None:
            name = f"unmask_helper_d_tpl_{os.getpid()}"
            _pg_execute(f"DROP DATABASE IF EXISTS {name}")
            _pg_execute(f"CREATE DATABASE {name}")
            self.pg_names.append(name)
            self.manage(self._pg(name), "migrate", "-v0")
            self._template_pg = name
        name = f"unmask_helper_d_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _pg_execute(f"CREATE DATABASE {name} TEMPLATE {self._template_pg}")
        self.pg_names.append(name)
        return self._pg(name)

    def _pg(self, name: str) -> dict:
        base = PG_URL.rsplit("/", 1)[0]
        return {"vendor": "postgresql", "url": f"{base}/{name}", "var": self._var()}

    def new(self, vendor: str) -> dict:
        return self.postgresql() if vendor == "postgresql" else self.sqlite()

    def close(self) -> None:
        for name in reversed(self.pg_names):
            _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("backup"))
    yield dbs
    dbs.close()


# --- the origin ---------------------------------------------------------------------------------


@pytest.fixture
def site(announced, network, source, moderator, editor):
    """The shared network and campaign (`announced`), plus an archived source file, a
    two-factor device, an admin log entry and a history that names its users."""
    engines = network["orgs"]["engines"]
    source.archived_file.save(
        "korvex-2023.pdf", ContentFile(b"%PDF-1.4 invented annual report\n"), save=True
    )
    TOTPDevice.objects.create(user=moderator, name="phone", confirmed=True)
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(engines.pk),
        object_repr=engines.name,
        action_flag=CHANGE,
        change_message="[]",
    )
    history = engines.history.order_by("-history_id").first()
    history.history_user = editor
    history.save()
    return network


def _assert_same(expected: dict, got: dict, where: str) -> None:
    assert got["media"] == expected["media"], where
    assert sorted(got["pages"]) == sorted(expected["pages"]), where
    for url, (status, body) in expected["pages"].items():
        assert got["pages"][url][0] == status, f"{where}: {url}"
        assert got["pages"][url][1] == body, f"{where}: {url} differs"
    assert {k: len(v) for k, v in got["rows"].items()} == {
        k: len(v) for k, v in expected["rows"].items()
    }, where
    for label, rows in expected["rows"].items():
        assert got["rows"][label] == rows, f"{where}: rows of {label} differ"


def _check_chain(hops: list[str], databases, tmp_path) -> None:
    """Back up the test database, restore into a fresh database of each vendor in turn (each
    from a backup of the one before) and compare every one with the original."""
    expected = snapshot_here()
    assert len(expected["pages"]) >= 14 and expected["media"]
    assert all(status == 200 for status, _body in expected["pages"].values()), {
        url: status for url, (status, _body) in expected["pages"].items() if status != 200
    }
    archive = tmp_path / "origin.zip"
    call_command("backup", str(archive))
    where = f"origin ({connection.vendor})"
    for number, target in enumerate(hops):
        if target == "sqlite-without-tables":
            db = databases.sqlite(migrated=False)
        else:
            db = databases.new(target)
        result = databases.manage(db, "restore", str(archive))
        assert "checksums verified" in result.stdout
        assert "record.historicalorganization" in result.stdout
        where = f"{where} → {db['vendor']}"
        _assert_same(expected, databases.snapshot(db), where)
        if number + 1 < len(hops):
            archive = tmp_path / f"hop{number}.zip"
            databases.manage(db, "backup", str(archive))
            manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
            assert manifest["database_vendor"] == db["vendor"]


def test_backup_then_restore_gives_the_same_site_on_sqlite(site, databases, tmp_path):
    # Into a file without tables: restore runs migrate first.
    _check_chain(["sqlite-without-tables"], databases, tmp_path)


def test_backup_then_restore_gives_the_same_site_across_sqlite_and_postgresql(
    site, databases, tmp_path
):
    if why := pg_reachable():
        pytest.skip(f"no PostgreSQL server for the cross-database restores: {why}")
    # SQLite (the test database) → PostgreSQL → SQLite; from a PostgreSQL test database, once
    # more into PostgreSQL so that SQLite → PostgreSQL is crossed as well.
    hops = ["postgresql", "sqlite"]
    if connection.vendor == "postgresql":
        hops.append("postgresql")
    _check_chain(hops, databases, tmp_path)


# --- refusals -----------------------------------------------------------------------------------


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy an archive, passing each member's bytes through change(name, data)."""
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))


def _counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backup.backed_up_models()}


def test_restore_into_a_database_that_is_not_empty_is_refused(make_org, tmp_path):
    make_org("Korvex Aerodynamics")
    archive = tmp_path / "site.zip"
    call_command("backup", str(archive))
    before = _counts()
    with pytest.raises(CommandError, match=r"not empty.*record\.organization"):
        call_command("restore", str(archive))
    assert _counts() == before


def test_a_backup_from_newer_migrations_is_refused_naming_the_app(make_org, tmp_path):
    make_org("Korvex Aerodynamics")
    archive = tmp_path / "site.zip"
    call_command("backup", str(archive))

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["record"] = ["0999_from_the_future"]
        return json.dumps(manifest).encode()

    _rewrite(archive, tmp_path / "newer.zip", newer)
    with pytest.raises(CommandError, match="newer migrations of the app 'record'"):
        call_command("restore", str(tmp_path / "newer.zip"))


def test_a_damaged_archive_is_refused_and_changes_nothing(site, databases, tmp_path):
    archive = tmp_path / "site.zip"
    call_command("backup", str(archive))
    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    db = databases.sqlite()

    # One byte changed in a member: its checksum no longer matches; nothing is read into the
    # database.
    def flip(name, data):
        return (
            data.replace(b"Korvex", b"Korvez", 1) if name.endswith("organization.jsonl") else data
        )

    _rewrite(archive, tmp_path / "flipped.zip", flip)
    result = databases.manage(db, "restore", str(tmp_path / "flipped.zip"), check=False)
    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr

    # A broken row in the last table, with a manifest made to match: everything before it was
    # loaded in the same transaction, and is rolled back.
    last = manifest["models"][-1]["member"]

    def broken(name, data):
        if name == last:
            return data + b'{"model": "record.organization", "pk": 1, "fields": {}}\n'
        if name == "manifest.json":
            import hashlib

            fixed = json.loads(data)
            original = zipfile.ZipFile(archive).read(last)
            fixed["models"][-1]["sha256"] = hashlib.sha256(
                original + b'{"model": "record.organization", "pk": 1, "fields": {}}\n'
            ).hexdigest()
            return json.dumps(fixed).encode()
        return data

    _rewrite(archive, tmp_path / "broken.zip", broken)
    result = databases.manage(db, "restore", str(tmp_path / "broken.zip"), check=False)
    assert result.returncode == 1
    assert "Nothing was restored" in result.stderr
    after = databases.snapshot(db)
    assert {label: rows for label, rows in after["rows"].items() if rows} == {
        "auth.group": after["rows"]["auth.group"]  # the roles, as migrate made them
    }
    assert after["media"] == {}

    # The intact archive still restores into the same database afterwards.
    databases.manage(db, "restore", str(archive))
    assert databases.snapshot(db)["rows"]["record.organization"]


def test_a_failed_backup_leaves_no_archive(make_org, tmp_path, monkeypatch):
    make_org("Korvex Aerodynamics")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(backup, "_media_files", fail)
    with pytest.raises(OSError, match="disk full"):
        call_command("backup", str(tmp_path / "site.zip"))
    assert list(tmp_path.iterdir()) == []
