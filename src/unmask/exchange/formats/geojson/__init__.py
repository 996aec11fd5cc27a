"""The public sites as GeoJSON (RFC 7946), gzip-compressed. Written only."""

from unmask.exchange.formats import Format


def _write(selection, out) -> int:
    from unmask.exchange.files import gzip_text
    from unmask.exchange.formats.geojson import write

    with gzip_text(out) as text:
        return write.write(selection, text)


FORMAT = Format(
    key="geojson",
    order=3,
    suffix="sites.geojson.gz",
    title="Sites (GeoJSON)",
    media_type="application/gzip",
    description="Every public site with a position, with its organization and how precise the "
    "position is: for QGIS and web maps.",
    write=_write,
)
