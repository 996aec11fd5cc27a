"""The CSV bundle: one CSV per table and a Frictionless datapackage.json, as a zip (or a folder
holding them when read)."""

import zipfile

from django.utils.translation import gettext_lazy as _

from unmask.exchange.formats import Format


def _write(selection, out) -> int:
    from unmask.exchange.formats.csvbundle import write

    return write.write_zip(selection, out)


def _read(path, **options):
    from unmask.exchange.formats.csvbundle import read

    return read.import_bundle(path, **options)


FORMAT = Format(
    key="csv",
    order=2,
    suffix="csv.zip",
    title=_("CSV tables"),
    media_type="application/zip",
    description=_(
        "One CSV file per table with a Frictionless datapackage.json describing their "
        "columns and the keys between them: for spreadsheets, R, pandas and databases."
    ),
    write=_write,
    read=_read,
    chunked=True,
    detect=lambda path, head: path.is_dir() or zipfile.is_zipfile(path),
)
