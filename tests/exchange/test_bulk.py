"""The bulk files: `unmask export` writes every format and a manifest whose sizes and checksums
are true; --if-changed does nothing until the record or the campaign changes; the /data/ page lists and serves
exactly those files; a filtered part downloads in any format."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from datetime import date, time, timedelta

import networkx as nx
import pytest
from django.core.management import call_command
from followthemoney import model

from unmask.campaign import services as campaign_services
from unmask.record import services


@pytest.fixture
def exports(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def export(*args) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_export_writes_every_format_with_a_true_manifest(network, exports):
    export()
    manifest = json.loads((exports / "manifest.json").read_text())
    assert [f["format"] for f in manifest["files"]] == ["ftm", "csv", "geojson", "graphml"]
    assert manifest["licence"] == "CC-BY-4.0"
    for entry in manifest["files"]:
        data = (exports / entry["name"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    ftm_file = next(f for f in manifest["files"] if f["format"] == "ftm")
    lines = gzip.decompress((exports / ftm_file["name"]).read_bytes()).decode().splitlines()
    assert len(lines) == ftm_file["items"]
    assert all(
        model.get(json.loads(line)["schema"]).validate(json.loads(line)) is None for line in lines
    )
    graphml = next(f for f in manifest["files"] if f["format"] == "graphml")
    graph = nx.read_graphml(io.BytesIO(gzip.decompress((exports / graphml["name"]).read_bytes())))
    assert graph.number_of_edges() >= 4
    assert not list(exports.glob(".*.tmp"))  # nothing half-written left behind


def test_if_changed_waits_for_a_change_to_the_record(network, exports, make_org):
    export()
    first = json.loads((exports / "manifest.json").read_text())
    assert "version" in export("--if-changed")
    assert json.loads((exports / "manifest.json").read_text()) == first  # untouched
    make_org("Vesterholm Optics", country="DK")
    export("--if-changed")
    again = json.loads((exports / "manifest.json").read_text())
    assert again["record_version"] > first["record_version"]
    names = gzip.decompress((exports / again["files"][0]["name"]).read_bytes())
    assert b"Vesterholm Optics" in names


def test_if_changed_follows_the_campaign_too(campaign, exports, moderator):
    """The FtM and CSV files hold the campaign: a new public action is a change."""
    export()
    first = json.loads((exports / "manifest.json").read_text())
    day = date.today() + timedelta(days=20)
    action, _token = campaign_services.submit_action(
        campaign_services.When(day, time(18), day, time(19), "Europe/Berlin"),
        title="Second vigil",
        kind="vigil",
        city="Kassel",
        country="DE",
    )
    campaign_services.publish_action(action, actor=moderator)
    export("--if-changed")
    again = json.loads((exports / "manifest.json").read_text())
    assert again["record_version"] == first["record_version"]
    assert again["campaign_version"] > first["campaign_version"]
    entities = gzip.decompress((exports / again["files"][0]["name"]).read_bytes())
    assert b"Second vigil" in entities


def test_a_filtered_part_follows_the_campaign(client, campaign, moderator):
    first = client.get("/data/part.ftm?country=DE").content
    assert b'"Event"' in first
    campaign_services.cancel_action(campaign["at_gate"], actor=moderator, reason="Storm warning.")
    again = client.get("/data/part.ftm?country=DE").content
    assert again != first and b"Storm warning." in again


def test_the_data_page_lists_and_serves_only_the_exported_files(client, network, exports):
    assert b"have not been made yet" in client.get("/data/").content
    export()
    page = client.get("/data/").content.decode()
    manifest = json.loads((exports / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert entry["sha256"] in page and f"/data/files/{entry['name']}" in page
    entry = manifest["files"][0]
    response = client.get(f"/data/files/{entry['name']}")
    assert response.status_code == 200 and response["ETag"] == f'"{entry["sha256"]}"'
    assert b"".join(response.streaming_content) == (exports / entry["name"]).read_bytes()
    again = client.get(f"/data/files/{entry['name']}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/data/files/manifest.json").status_code == 200
    for name in ("settings.py", "..%2Fmanifest.json", ".ftm.tmp"):
        assert client.get(f"/data/files/{name}").status_code == 404


def test_a_filtered_part_downloads_in_each_format(client, network):
    part = client.get("/data/part.ftm?country=SE")
    assert part.status_code == 200
    rows = [json.loads(line) for line in part.content.decode().splitlines()]
    names = {r["properties"]["name"][0] for r in rows if r["schema"] in ("Company", "PublicBody")}
    assert names == {"Lindqvist Composites"}
    sites = json.loads(client.get("/data/part.geojson?country=SE").content)
    assert {f["properties"]["country"] for f in sites["features"]} == {"SE"}
    assert client.get("/data/part.csv?country=SE")["Content-Type"] == "application/zip"
    assert client.get("/data/part.nothing").status_code == 404


def test_the_export_command_writes_one_filtered_format(network, tmp_path):
    out = tmp_path / "part.ftm.jsonl.gz"
    call_command(
        "export",
        "--format",
        "ftm",
        "--filter",
        "country=SE",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    lines = gzip.decompress(out.read_bytes()).decode().splitlines()
    names = {
        n
        for e in map(json.loads, lines)
        if e["schema"] == "Company"
        for n in e["properties"]["name"]
    }
    assert "Lindqvist Composites" in names and "Korvex Aerodynamics" not in names
    with pytest.raises(Exception, match="KEY=VALUE"):
        call_command("export", "--format", "ftm", "--filter", "country", stderr=io.StringIO())


def test_unpublishing_removes_an_organization_from_the_next_export(network, exports):
    export()
    services.unpublish(network["orgs"]["blades"], reason="Claim withdrawn")
    export("--if-changed")
    manifest = json.loads((exports / "manifest.json").read_text())
    text = gzip.decompress((exports / manifest["files"][0]["name"]).read_bytes())
    assert b"Lindqvist Composites" not in text


def test_a_part_links_to_the_address_it_was_asked_at(client, network, settings):
    """The pages its rows link to and the package's homepage are the site's as the request
    reached it (the demo on another port), never the configured default."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    part = client.get("/data/part.csv?country=SE")
    with zipfile.ZipFile(io.BytesIO(part.content)) as bundle:
        package = json.loads(bundle.read("datapackage.json"))
        organizations = bundle.read("organizations.csv").decode()
    assert package["homepage"] == "http://testserver"
    blades = network["orgs"]["blades"]
    row = next(line for line in organizations.splitlines() if line.startswith(blades.public_id))
    assert row.split(",")[-3].startswith("http://testserver/")  # its url
    assert "127.0.0.1:8000" not in organizations


def test_if_changed_writes_again_for_another_site_address(network, exports, settings):
    """The files link to the site's address: served at another one (the demo on another
    port), they are written again."""
    export()
    settings.SITE_URL = "http://127.0.0.1:8080"
    export("--if-changed")
    manifest = json.loads((exports / "manifest.json").read_text())
    assert manifest["site_url"] == "http://127.0.0.1:8080"
    csv_file = next(f for f in manifest["files"] if f["format"] == "csv")
    with zipfile.ZipFile(exports / csv_file["name"]) as bundle:
        assert json.loads(bundle.read("datapackage.json"))["homepage"] == settings.SITE_URL


def test_the_data_page_describes_the_files_in_the_readers_language(
    client, network, exports, monkeypatch
):
    """The page takes each file's title and description from the formats, translated when it is
    rendered; the manifest keeps them in English, even when written with another language on.
    (German words added to the loaded catalogue: the real catalogues may not hold these yet.)"""
    from django.utils.translation import override, trans_real

    from unmask.exchange import formats

    csv = formats.by_key()["csv"]
    german = trans_real.translation("de")._catalog._catalogs[0]
    monkeypatch.setitem(german, str(csv.title), "CSV-Tabellen")
    monkeypatch.setitem(german, str(csv.description), "Eine CSV-Datei je Tabelle.")
    with override("de"):
        export()
    entry = {f["format"]: f for f in json.loads((exports / "manifest.json").read_text())["files"]}
    assert entry["csv"]["title"] == "CSV tables"
    page = client.get("/de/data/").content.decode()
    assert "CSV-Tabellen" in page and "Eine CSV-Datei je Tabelle." in page
    assert "CSV tables" not in page
    english = client.get("/data/").content.decode()
    assert "CSV tables" in english and "CSV-Tabellen" not in english
