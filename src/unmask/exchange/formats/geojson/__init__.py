"""The public sites as GeoJSON (RFC 7946), gzip-compressed. Written only."""

from django.utils.translation import gettext_lazy as _

from unmask.exchange.formats import Format


def _write(selection, out) -> int:
    from unmask.exchange.formats.geojson import write

    return write.write_gzip(selection, out)


FORMAT = Format(
    key="geojson",
    order=3,
    suffix="sites.geojson.gz",
    title=_("Sites (GeoJSON)"),
    media_type="application/gzip",
    description=_(
        "Every public site with a position, with its organization and how precise the "
        "position is: for QGIS and web maps."
    ),
    write=_write,
)
