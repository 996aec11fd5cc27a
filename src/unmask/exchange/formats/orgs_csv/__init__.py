"""A CSV of organizations, as spreadsheets give it (rows.py has the columns and rules). Read
only: any file that no other format recognises is read as one."""

from unmask.exchange.formats import Format


def _read(path, **options):
    from unmask.exchange.formats.orgs_csv import read

    return read.import_file(path, **options)


FORMAT = Format(
    key="orgs_csv",
    order=99,
    read=_read,
    detect=lambda path, head: True,
    chunked=True,
    dry_run_writes_nothing=True,
)
