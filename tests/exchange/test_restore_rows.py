"""Restore reads the archive's rows itself (not through Django's deserializer): each value
becomes what the database stores as the deserializer would make it (times with any offset, text
cleaned, natural keys, JSON, fields left out), and a value that cannot be read is refused naming
its member, row and field, with nothing restored.

The archive is the empty test database's own backup with rows written into three members, and
is restored into that same (empty) database in this process.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from unmask.exchange import backup
from unmask.exchange.models import ImportBatch, ImportItem
from unmask.record.models import Organization

USER = {
    "model": "auth.user",  # no key: users are matched by natural key, as backups write them
    "fields": {
        "username": "ana",
        "password": "!",
        "date_joined": "2024-05-01T10:00:00+02:00",
        "groups": [["editor"]],
    },
}
BATCH = {
    "model": "exchange.importbatch",
    "pk": 3,
    "fields": {  # the counters and times not given: their defaults
        "created_at": "2024-05-01T10:00:00.5+02:00",
        "created_by": ["ana"],
        "file_name": "list\r\n\x07.csv",
        "sha256": "0" * 64,
        "kind": "organizations",
        "created": 2,
    },
}
# Written as backups write (ensure_ascii=False): the decomposed ö is in the line as it is.
KOELN = {**BATCH, "pk": 4, "fields": {**BATCH["fields"], "file_name": "Ko\u0308ln.csv"}}
ITEM = {
    "model": "exchange.importitem",
    "pk": 5,
    "fields": {
        "batch": 3,
        "content_type": ["record", "organization"],
        "object_id": 9,
        "action": "create",
        "before": {"name": "Korvex", "sizes": [1, 2.5], "gone": None},
    },
}


def _archive(tmp_path, rows: dict[str, list[dict]]):
    """The empty database's backup, with `rows` (by model) written into their members."""
    empty = tmp_path / "empty.zip"
    backup.write_backup(empty)
    with zipfile.ZipFile(empty) as old:
        manifest = json.loads(old.read("manifest.json"))
        members = {name: old.read(name) for name in old.namelist()}
    for entry in manifest["models"]:
        if entry["model"] in rows:
            data = "".join(
                json.dumps(row, ensure_ascii=False) + "\n" for row in rows[entry["model"]]
            ).encode()
            members[entry["member"]] = data
            entry.update(rows=len(rows[entry["model"]]), sha256=hashlib.sha256(data).hexdigest())
    members["manifest.json"] = json.dumps(manifest).encode()
    path = tmp_path / "rows.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path, manifest


def test_restored_values_are_what_the_archive_says(db, tmp_path):
    path, _manifest = _archive(
        tmp_path,
        {
            "auth.user": [USER],
            "exchange.importbatch": [BATCH, KOELN],
            "exchange.importitem": [ITEM],
        },
    )
    counts = backup.restore(path)
    assert (counts["exchange.importbatch"], counts["exchange.importitem"]) == (2, 1)

    ana = User.objects.get(username="ana")
    assert list(ana.groups.values_list("name", flat=True)) == ["editor"]
    assert ana.date_joined == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert ana.is_active and not ana.is_staff  # left out: the model's defaults

    batch = ImportBatch.objects.get(pk=3)
    assert batch.created_at == datetime(2024, 5, 1, 8, 0, 0, 500000, tzinfo=UTC)
    assert batch.created_by == ana
    assert batch.file_name == "list\n.csv"  # as cleantext stores text
    assert (batch.created, batch.updated, batch.undone_at) == (2, 0, None)
    assert ImportBatch.objects.get(pk=4).file_name == "K\u00f6ln.csv"  # NFC

    item = ImportItem.objects.get(pk=5)
    assert item.batch == batch
    assert item.content_type == ContentType.objects.get_for_model(Organization)
    assert item.before == {"name": "Korvex", "sizes": [1, 2.5], "gone": None}


def test_a_value_that_cannot_be_read_is_named_and_nothing_is_restored(db, tmp_path):
    bad = {**BATCH, "fields": {**BATCH["fields"], "created_at": "2024-02-30T10:00:00Z"}}
    path, manifest = _archive(
        tmp_path,
        {"auth.user": [USER], "exchange.importbatch": [bad], "exchange.importitem": [ITEM]},
    )
    member = next(e["member"] for e in manifest["models"] if e["model"] == "exchange.importbatch")
    with pytest.raises(backup.BackupError, match=rf"^{member}, row 1: created_at: .*Nothing was"):
        backup.restore(path)
    assert not User.objects.exists()
    assert not ImportItem.objects.exists()
