"""Public ids for other names and identifiers (exports and imports name them by it, never by
their database key). Added empty, filled in batches, then made required and unique; their
history rows get the id of the row they record (a removed row's history one id of its own)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import unmask.record.text

BATCH = 2000


def _fill(model) -> None:
    used = set(model.objects.exclude(public_id=None).values_list("public_id", flat=True))
    while True:
        rows = list(model.objects.filter(public_id=None).order_by("pk").only("pk")[:BATCH])
        if not rows:
            return
        for row in rows:
            row.public_id = unmask.record.text.new_public_id()
            while row.public_id in used:
                row.public_id = unmask.record.text.new_public_id()
            used.add(row.public_id)
        model.objects.bulk_update(rows, ["public_id"])


def _fill_history(model, historical) -> None:
    historical.objects.update(
        public_id=Subquery(model.objects.filter(pk=OuterRef("id")).values("public_id")[:1])
    )
    # rows removed since: one id for all history rows of each
    while True:
        ids = list(
            historical.objects.filter(public_id=None)
            .order_by("id")
            .values_list("id", flat=True)
            .distinct()[:BATCH]
        )
        if not ids:
            return
        for pk in ids:
            historical.objects.filter(id=pk).update(
                public_id=unmask.record.text.new_public_id()
            )


def backfill(apps, schema_editor) -> None:
    for name in ("OrganizationName", "Identifier"):
        model = apps.get_model("record", name)
        _fill(model)
        _fill_history(model, apps.get_model("record", f"Historical{name}"))


def _field(**kwargs):
    return models.CharField(editable=False, max_length=12, verbose_name="public id", **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ("record", "0012_site_public_country"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name="public_id", field=_field(null=True))
            for model in (
                "organizationname",
                "identifier",
                "historicalorganizationname",
                "historicalidentifier",
            )
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(
                model_name=model,
                name="public_id",
                field=_field(default=unmask.record.text.new_public_id, unique=True),
            )
            for model in ("organizationname", "identifier")
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name="public_id",
                field=_field(default=unmask.record.text.new_public_id, db_index=True),
            )
            for model in ("historicalorganizationname", "historicalidentifier")
        ),
    ]
