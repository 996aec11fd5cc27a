"""Imports by several people at once (issue 15, items 12 and 15): each upload in the admin is
its own file, for its uploader only, gone once applied and after a day when abandoned; the same
file imported twice at once is imported once, the second caller told so, on the command line
and in the admin, and a crashed import leaves no lock behind."""

from __future__ import annotations

import io
import os
import re
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from unmask.exchange import intake, locks
from unmask.exchange.models import ImportLock
from unmask.record.models import Organization

HEADER = "id,name,kind,country,description\n"
URL = "/admin/exchange/importbatch/import/"


def dry_run(client: Client, name: str, text: str) -> tuple[str, str]:
    page = client.post(URL, {"file": SimpleUploadedFile(name, text.encode())}).content.decode()
    return page, re.search(r'name="upload" value="([\w-]{24})"', page).group(1)


def apply(client: Client, token: str):
    return client.post(URL, {"apply": "1", "upload": token})


def test_each_upload_is_its_own_file_for_its_uploader(
    db, editor, django_user_model, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    other = django_user_model.objects.create_user("erin", is_staff=True)
    other.groups.set(editor.groups.all())
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    same = HEADER + ",Alder Fittings,company,DE,\n"
    page_a, token_a = dry_run(first, "orgs.csv", same)
    page_b, token_b = dry_run(second, "orgs.csv", same + ",Birchmont Castings,company,DE,\n")
    assert token_a != token_b
    assert "1 records would be created" in page_a and "2 records would be created" in page_b
    assert apply(second, token_a).status_code == 302  # not hers: refused
    assert not Organization.objects.exists()
    assert apply(first, token_a).status_code == 302
    assert set(Organization.objects.values_list("name", flat=True)) == {"Alder Fittings"}
    assert not (tmp_path / "uploads" / token_a).exists()  # applied: gone

    _page, token_c = dry_run(first, "orgs.csv", same)  # the same file again, by both
    _page, token_d = dry_run(second, "orgs.csv", same)
    assert apply(first, token_c).status_code == 302
    assert apply(second, token_b).status_code == 302  # her own file, still there
    assert Organization.objects.filter(name="Birchmont Castings").exists()

    old = time.time() - 2 * 24 * 3600
    os.utime(tmp_path / "uploads" / token_d, (old, old))
    dry_run(first, "orgs.csv", same)  # any upload sweeps what was left a day ago
    assert not (tmp_path / "uploads" / token_d).exists()


def test_a_second_import_of_the_same_file_is_told_and_writes_nothing(
    db, editor, settings, tmp_path, client
):
    path = tmp_path / "orgs.csv"
    path.write_text(HEADER + ",Alder Fittings,company,DE,\n")
    key = intake.sha256_file(path)
    with locks.import_lock(key):
        with pytest.raises(locks.ImportBusy, match="being imported already"):
            intake.import_any(path)
        with pytest.raises(CommandError, match=r"orgs.csv: this file is being imported already \("):
            call_command("import", str(path), stdout=io.StringIO())
        settings.VAR_DIR = tmp_path
        client.force_login(editor)
        _page, token = dry_run(client, "orgs.csv", path.read_text())  # a dry run goes on
        page = client.post(URL, {"apply": "1", "upload": token}, follow=True).content.decode()
        assert "This file is being imported already" in page
    assert not Organization.objects.exists()
    assert intake.import_any(path).created == 1  # released
    assert not ImportLock.objects.exists()


def test_a_lock_left_by_a_crash_is_taken_over(db, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(HEADER + ",Alder Fittings,company,DE,\n")
    key = intake.sha256_file(path)
    if connection.vendor == "postgresql":  # the advisory lock went with the connection
        ImportLock.objects.create(key=key, host=locks.HOST, pid=os.getpid())
    else:  # a process that is gone
        ImportLock.objects.create(key=key, host=locks.HOST, pid=2**22 + 7)
    assert intake.import_any(path).created == 1
    ImportLock.objects.create(
        key=key, host="elsewhere", pid=1, started_at=timezone.now() - timedelta(days=2)
    )
    assert intake.import_any(path).unchanged == 1  # expired


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once_is_imported_once(tmp_path):
    rows = "".join(f",Alder Fittings {n},company,DE,\n" for n in range(300))
    path = tmp_path / "orgs.csv"
    path.write_text(HEADER + rows)
    start = threading.Barrier(2)
    results: list = []

    def one():
        start.wait()
        try:
            results.append(intake.import_any(path))
        except locks.ImportBusy as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Organization.objects.count() == 300  # never twice
    done = [r for r in results if not isinstance(r, locks.ImportBusy)]
    assert sorted(r.created for r in done) in ([300], [0, 300])
    assert len(results) == 2 and not ImportLock.objects.exists()
