"""The force layout of a big network, computed on the server and cached with the graph's payload
(web/payloads.py: once per version of the record and set of filters, rebuilt in the background
after an edit), so that a browser draws 20,000 organizations without laying them out itself.

Below LAYOUT_FROM nodes the browser's own ForceAtlas2 (frontend/src/graph/force.js) finishes
within its budget and is left to do it. Above, it managed a few dozen iterations in its 1.3 s
(a tangle at 20,000 nodes): here igraph's Fruchterman-Reingold with its grid approximation (C,
about a second for 20,000 nodes / 100,000 edges on this machine) runs 300 iterations.

igraph holds Python's lock for the whole layout, so it runs in a process of its own (this
module, `python -m unmask.graph.layout`, reading the edges on stdin and writing positions on
stdout): the app server's other threads go on answering meanwhile, and the layout's memory is
given back when it ends. Without igraph, or if the layout fails, the payload simply carries no
positions and the browser lays the graph out as before.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

LAYOUT_FROM = 2_000  # nodes; the browser lays out smaller graphs itself
ITERATIONS = 300
TIMEOUT = 120  # seconds
SEED = 17  # the same picture for the same graph
logger = logging.getLogger(__name__)


def positions(count: int, edges: list[tuple[int, int]]) -> list[tuple[float, float]] | None:
    """Positions of nodes 0..count-1 joined by `edges` (pairs of node indexes), or None."""
    if count < LAYOUT_FROM:
        return None
    request = json.dumps({"count": count, "edges": edges}, separators=(",", ":")).encode()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "unmask.graph.layout"],
            input=request,
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )
        laid = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        detail = getattr(error, "stderr", b"") or b""
        logger.warning("The server's graph layout failed (%s) %s", error, detail.decode()[-500:])
        return None
    if len(laid) != count:
        return None
    return [(x, y) for x, y in laid]


def _lay_out(count: int, edges: list[list[int]]) -> list[list[float]]:
    import random

    import igraph

    igraph.set_random_number_generator(random.Random(SEED))  # noqa: S311 - a layout's start, not a secret
    graph = igraph.Graph(n=count, edges=[tuple(edge) for edge in edges], directed=False)
    graph.simplify()  # one spring per pair, however many links join it
    layout = graph.layout_fruchterman_reingold(niter=ITERATIONS, grid=True)
    return [[round(x, 2), round(y, 2)] for x, y in layout.coords]


if __name__ == "__main__":
    wanted = json.load(sys.stdin.buffer)
    json.dump(_lay_out(wanted["count"], wanted["edges"]), sys.stdout, separators=(",", ":"))
