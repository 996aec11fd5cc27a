"""FollowTheMoney entities, JSON lines (docs/ftm.md): written gzip-compressed, read gzip or not."""

from django.utils.translation import gettext_lazy as _

from unmask.exchange.formats import Format


def _write(selection, out) -> int:
    from unmask.exchange.formats.ftm import write

    return write.write_gzip(selection, out)


def _read(path, **options):
    from unmask.exchange.formats.ftm import read

    return read.import_ftm(path, **options)


FORMAT = Format(
    key="ftm",
    order=1,
    suffix="ftm.jsonl.gz",
    title=_("FollowTheMoney entities"),
    media_type="application/gzip",
    description=_(
        "Organizations, sites, products, links with their status histories, published "
        "replies, and the campaign's public actions, "
        "as FollowTheMoney entities, one JSON object a line: for Aleph, OpenSanctions' tools and "
        "followthemoney itself."
    ),
    write=_write,
    read=_read,
    chunked=True,
    detect=lambda path, head: path.is_file() and head.startswith((b"{", b"\x1f\x8b")),
)
