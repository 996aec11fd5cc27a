"""The bulk files are published as a set (issue 15, item 16): the manifest's checksums are
those of the files served, during an export and after one that failed or was killed; what a
killed export or backup left is cleaned up; `export --output F` keeps F whole when it fails."""

from __future__ import annotations

import hashlib
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from unmask.exchange.formats.geojson import write as geo


@pytest.fixture
def exports(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def export(*args):
    call_command("export", *args, stdout=io.StringIO(), stderr=io.StringIO())


def served(client) -> list[tuple[str, str, str]]:
    """(name, the SHA-256 its manifest gives (the ETag), the body's SHA-256) of every file."""
    response = client.get("/data/files/manifest.json")
    manifest = json.loads(b"".join(response.streaming_content))
    found = []
    for entry in manifest["files"]:
        response = client.get(f"/data/files/{entry['name']}")
        body = b"".join(response.streaming_content)
        found.append((entry["name"], response["ETag"].strip('"'), hashlib.sha256(body).hexdigest()))
    return found


def fail_geojson(monkeypatch):
    def disk_full(*args):
        raise OSError("disk full")

    monkeypatch.setattr(geo, "write", disk_full)


def test_a_failed_export_leaves_the_published_set_as_it_was(
    client, network, exports, make_org, monkeypatch
):
    export()
    before = served(client)
    make_org("Vesterholm Optics", country="DK")  # the next export's files differ
    fail_geojson(monkeypatch)  # after the FtM and CSV files are written
    with pytest.raises(OSError, match="disk full"):
        export()
    after = served(client)
    assert after == before and all(listed == body for _name, listed, body in after)
    manifest = json.loads((exports / "manifest.json").read_text())
    assert [(f["name"], f["sha256"]) for f in manifest["files"]] == [(n, s) for n, s, _ in before]
    assert [p.name for p in (exports / "sets").iterdir()] == [
        (exports / "current").resolve().name
    ]  # nothing half-written left


def test_what_a_killed_export_left_is_cleaned_up(client, network, exports):
    export()
    killed = exports / "sets" / f"20200101T000000000000-1.{2**22 + 7}.partial"
    killed.mkdir()
    (killed / "unmask.ftm.jsonl.gz").write_bytes(b"half")
    export()
    assert not killed.exists()
    assert all(listed == body for _name, listed, body in served(client))
    manifest = json.loads((exports / "manifest.json").read_text())  # the names link through
    assert manifest == json.loads(
        b"".join(client.get("/data/files/manifest.json").streaming_content)
    )


@pytest.mark.django_db(transaction=True)
def test_the_served_files_match_the_manifest_during_exports(client, network, exports, make_org):
    export()
    done = threading.Event()

    def exports_meanwhile():
        try:
            for n in range(3):
                make_org(f"Vesterholm Optics {n}", country="DK")
                export()
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=exports_meanwhile)
    worker.start()
    seen = 0
    while not done.is_set() or not seen:
        for name, listed, body in served(client):
            assert listed == body, name
            seen += 1
    worker.join()


def test_export_output_keeps_the_old_file_when_it_fails(network, tmp_path, monkeypatch):
    output = tmp_path / "sites.geojson.gz"
    export("--format", "geojson", "--output", str(output))
    old = output.read_bytes()
    fail_geojson(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        export("--format", "geojson", "--output", str(output))
    assert output.read_bytes() == old and [p.name for p in tmp_path.iterdir()] == [output.name]


def test_a_killed_backup_leaves_no_partial_file_behind(make_org, tmp_path):
    make_org("Korvex Aerodynamics")
    killed = tmp_path / f".site.zip.{2**22 + 7}.x1y2.partial"
    killed.write_bytes(b"half an archive")
    older = tmp_path / ".site.zip.abcd1234.partial"  # from before the name had the process id
    older.write_bytes(b"half an archive")
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.zip"]
