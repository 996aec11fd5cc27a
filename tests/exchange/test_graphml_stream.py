"""The export's GraphML is written as a stream, and is byte for byte the document graph.network
writes for the same graph (the /graph/ page's download): names that XML must escape included."""

from __future__ import annotations

import gzip
import io

from unmask.exchange.formats.graphml import write as graphml
from unmask.exchange.selection import Selection
from unmask.graph import network as graph_network


def test_the_streamed_file_is_what_network_graphml_writes(network, make_org, make_link):
    odd = make_org('Smith & <Sons> "Quoted" Ltd', country="GB")  # & < > " to escape
    make_link(odd, network["orgs"]["integrator"], relation="supplies_component")
    selection = Selection.everything()
    out = io.BytesIO()
    edges = graphml.write(selection, out)
    streamed = gzip.decompress(out.getvalue())

    whole = graphml.graph(selection)
    assert edges == len(whole.edges) > len(network["links"])  # links, makers and parts
    assert streamed == graph_network.graphml(whole)
    assert b"Smith &amp; &lt;Sons&gt;" in streamed
