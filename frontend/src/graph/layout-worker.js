// The force layout's Web Worker (built to dist/graph-layout.js, started by graph/force.js):
// ForceAtlas2 iterations on the node and edge matrices of graphology-layout-forceatlas2, for a
// time budget, then the node matrix goes back (transferred, not copied).
import iterate from "graphology-layout-forceatlas2/iterate.js";

self.addEventListener("message", (event) => {
  const { settings, budget, iterations } = event.data;
  const nodes = new Float32Array(event.data.nodes);
  const edges = new Float32Array(event.data.edges);
  const started = performance.now();
  let count = 0;
  while (count < iterations && performance.now() - started < budget) {
    iterate(settings, nodes, edges);
    count += 1;
  }
  self.postMessage({ nodes: nodes.buffer, iterations: count }, [nodes.buffer]);
});
