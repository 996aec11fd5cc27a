"""An import killed while it writes (kill -9, out of memory, power) leaves the chunks it
committed in a batch never finished: the next import (or `unmask import --recover`) undoes it
first, and never a batch whose process is still running (batches.recover)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from unmask.exchange import batches, locks
from unmask.exchange.formats.orgs_csv import read as orgs_csv
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record import services
from unmask.record.models import Organization

MANAGE = [sys.executable, "-m", "unmask.manage"]
ROWS = 6_000  # a dozen committed chunks: killed after the first, well before the last


def _dead_pid() -> int:
    """The pid of a process that has ended (and was waited for)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def _writing(pid: int, host: str = locks.HOST, age: timedelta = timedelta()) -> ImportBatch:
    """A batch as a chunked import leaves it between two chunks: one organization committed."""
    batch = batches.new_batch(None, "half.csv", "0" * 64, "csv")
    ImportBatch.objects.filter(pk=batch.pk).update(
        host=host, pid=pid, created_at=timezone.now() - age
    )
    batch.refresh_from_db()
    org = services.create_organization(
        name=f"Halbfertig {batch.pk} GmbH", country="DE", kind="company"
    )
    batches.record_item(batch, org, ImportItem.CREATED)
    return batch


def test_only_a_batch_whose_writer_is_gone_is_recovered(db, tmp_path, admin_client):
    running = _writing(os.getpid())  # this very process: it is still writing
    elsewhere = _writing(_dead_pid(), host="another-machine")  # cannot be asked: running
    killed = _writing(_dead_pid())
    forgotten = _writing(os.getpid(), host="another-machine", age=locks.EXPIRES * 2)

    page = admin_client.get(reverse("admin:exchange_import")).content.decode()
    assert f"Import batch #{killed.pk} (half.csv) was interrupted" in page
    assert f"Import batch #{running.pk} " not in page
    batch_list = admin_client.get(reverse("admin:exchange_importbatch_changelist"))
    assert batch_list.content.decode().count("Interrupted: the next import undoes it") == 2

    listed = StringIO()
    call_command("import", "--list", stdout=listed)
    assert f"#{running.pk} " in listed.getvalue() and "being imported now" in listed.getvalue()
    assert listed.getvalue().count("interrupted (the next import undoes it") == 2

    said = StringIO()
    call_command("import", "--recover", stdout=said)
    assert said.getvalue().splitlines() == [
        f"Undid import batch #{b.pk} (half.csv): it was interrupted while writing (its process "
        "stopped before the end)."
        for b in (killed, forgotten)
    ]

    assert [batches.status(b) for b in ImportBatch.objects.order_by("pk")] == [
        batches.WRITING,
        batches.WRITING,
        batches.STOPPED,
        batches.STOPPED,
    ]
    alive = set(Organization.objects.filter(deleted_at__isnull=True).values_list("name", flat=True))
    assert alive == {f"Halbfertig {running.pk} GmbH", f"Halbfertig {elsewhere.pk} GmbH"}
    history = Organization.history.filter(name=f"Halbfertig {killed.pk} GmbH").first()
    assert "interrupted import batch" in history.history_change_reason
    assert batches.recover() == []  # done once

    # An import in one transaction (and a dry run) never leaves its batch unfinished.
    path = tmp_path / "orgs.csv"
    path.write_text("name,kind,country\nGanzfertig AG,company,CH\n", encoding="utf-8")
    assert orgs_csv.import_file(path, dry_run=True).batch is None
    outcome = orgs_csv.import_file(path)
    assert outcome.ok and outcome.batch.finished_at is not None
    assert batches.status(outcome.batch) == batches.IMPORTED
    assert batches.abandoned() == []


@pytest.fixture
def migrated(tmp_path, django_db_setup, django_db_blocker):
    """An SQLite file with every migration: a copy of the test database as it is between two
    tests (migrating a new file would take half a minute of this test's time)."""
    database = tmp_path / "site.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return database


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="only SQLite writes an import in short transactions",
)
def test_an_import_killed_while_writing_is_undone_by_the_next(tmp_path, migrated):
    database = migrated
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="unmask.settings_test",
        UNMASK_VAR_DIR=str(tmp_path / "var"),
    )
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("name,kind,country\n")
        for i in range(ROWS):
            out.write(f"Quellbrunn Fertigung {i:05d} GmbH,company,DE\n")

    job = subprocess.Popen(
        [*MANAGE, "import", str(big)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    live = sqlite3.connect(database, timeout=30)
    try:
        deadline = time.monotonic() + 60
        while job.poll() is None and time.monotonic() < deadline:
            if live.execute("SELECT count(*) FROM exchange_importitem").fetchone()[0]:
                break
            time.sleep(0.02)
        job.send_signal(signal.SIGKILL)  # mid-write: a chunk or more committed, not the rest
        job.wait()
        assert job.returncode == -signal.SIGKILL, "the import ended before it could be killed"
        written = live.execute(
            "SELECT count(*) FROM record_organization WHERE deleted_at IS NULL"
        ).fetchone()[0]
        batch = live.execute(
            "SELECT id, finished_at, undone_at FROM exchange_importbatch"
        ).fetchall()
        assert 0 < written < ROWS and len(batch) == 1 and batch[0][1:] == (None, None), batch
        killed = batch[0][0]

        small = tmp_path / "small.csv"
        small.write_text("name,kind,country\nNachher Logistik AG,company,AT\n", encoding="utf-8")
        after = subprocess.run(
            [*MANAGE, "import", str(small)], env=env, capture_output=True, text=True
        )
        assert after.returncode == 0, after.stderr
        assert f"Undid import batch #{killed} (big.csv): it was interrupted" in after.stdout
        assert "1 rows. 1 were created" in after.stdout, after.stdout

        # Everything the killed import wrote is deleted (softly: kept in the history), its
        # batch undone and never finished; the new import's organization is there.
        left = live.execute(
            "SELECT name FROM record_organization WHERE deleted_at IS NULL"
        ).fetchall()
        assert left == [("Nachher Logistik AG",)]
        assert (
            live.execute(
                "SELECT count(*) FROM record_organization WHERE deleted_at IS NOT NULL"
            ).fetchone()[0]
            == written
        )
        states = live.execute(
            "SELECT id, finished_at IS NOT NULL, undone_at IS NOT NULL FROM exchange_importbatch "
            "ORDER BY id"
        ).fetchall()
        assert states == [(killed, 0, 1), (killed + 1, 1, 0)]
    finally:
        live.close()
        if job.poll() is None:
            job.kill()
