"""The network as GraphML, gzip-compressed. Written only."""

from django.utils.translation import gettext_lazy as _

from unmask.exchange.formats import Format


def _write(selection, out) -> int:
    from unmask.exchange.formats.graphml import write

    return write.write(selection, out)


FORMAT = Format(
    key="graphml",
    order=4,
    suffix="network.graphml.gz",
    title=_("Network (GraphML)"),
    media_type="application/gzip",
    description=_(
        "Organizations and products as nodes; links, makers and parts as typed edges: for "
        "Gephi, yEd and networkx."
    ),
    write=_write,
)
