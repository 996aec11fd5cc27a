// The force layout of the whole network: ForceAtlas2 (graphology-layout-forceatlas2), started
// from a fast placement that already keeps neighbours near each other, run for a time budget
// in a Web Worker (our own static file, graph-layout.js) so the page stays responsive; in
// slices on the main thread where no worker can start (a browser without workers, a CSP that
// forbids them).
import iterate from "graphology-layout-forceatlas2/iterate.js";

const STEP = 12; // the radius between the rings of the initial placement

/** ForceAtlas2's settings for a graph of `order` nodes (graphology's inferSettings, with the
 * Barnes-Hut approximation from 400 nodes on and coarser beyond 2,000: 2.3x faster per
 * iteration at 5,000 nodes, so more iterations fit in the budget). */
export function forceSettings(order) {
  return {
    linLogMode: false,
    outboundAttractionDistribution: false,
    adjustSizes: false,
    edgeWeightInfluence: 1,
    scalingRatio: 10,
    strongGravityMode: true,
    gravity: 0.05,
    slowDown: 1 + Math.log(Math.max(order, 1)),
    barnesHutOptimize: order > 400,
    barnesHutTheta: order > 2000 ? 1.2 : 0.6,
  };
}

/** How long the layout may run, and at most how many iterations. */
export function forceBudget(order) {
  if (order > 2000) return { budget: 1300, iterations: 500 };
  if (order > 500) return { budget: 1100, iterations: 600 };
  return { budget: 700, iterations: 800 };
}

/**
 * A radial tree per connected component (breadth-first from its best-connected node, each
 * subtree in an angle proportional to its size), the components packed in rows, biggest first.
 * Linear time; ForceAtlas2 then starts from neighbours that are already close.
 */
export function initialPlacement(graph) {
  const positions = {};
  const seen = new Set();
  const byDegree = graph.nodes().sort((a, b) => graph.degree(b) - graph.degree(a));
  const components = [];
  for (const start of byDegree) {
    if (seen.has(start)) continue;
    seen.add(start);
    const queue = [start];
    const parent = new Map([[start, null]]);
    const depth = new Map([[start, 0]]);
    for (let head = 0; head < queue.length; head += 1) {
      const node = queue[head];
      graph.forEachNeighbor(node, (next) => {
        if (seen.has(next)) return;
        seen.add(next);
        parent.set(next, node);
        depth.set(next, depth.get(node) + 1);
        queue.push(next);
      });
    }
    // Subtree sizes, leaves up.
    const weight = new Map();
    const children = new Map();
    for (let i = queue.length - 1; i >= 0; i -= 1) {
      const node = queue[i];
      weight.set(node, (weight.get(node) || 0) + 1);
      const up = parent.get(node);
      if (up !== null) {
        weight.set(up, (weight.get(up) || 0) + weight.get(node));
        if (!children.has(up)) children.set(up, []);
        children.get(up).push(node);
      }
    }
    const local = new Map([[start, { x: 0, y: 0, from: 0, to: 2 * Math.PI }]]);
    let radius = 0;
    for (const node of queue) {
      const here = local.get(node);
      let angle = here.from;
      const span = here.to - here.from;
      const total = weight.get(node) - 1;
      for (const child of children.get(node) || []) {
        const share = (span * weight.get(child)) / total;
        const r = depth.get(child) * STEP;
        const mid = angle + share / 2;
        local.set(child, { x: r * Math.cos(mid), y: r * Math.sin(mid), from: angle, to: angle + share });
        radius = Math.max(radius, r);
        angle += share;
      }
    }
    components.push({ nodes: queue, local, radius: radius + STEP });
  }
  // Pack: rows about as wide as the square root of the total area.
  let area = 0;
  for (const c of components) area += 4 * c.radius * c.radius;
  const width = Math.max(Math.sqrt(area) * 1.1, components[0] ? 2 * components[0].radius : 0);
  let cx = 0;
  let cy = 0;
  let rowHeight = 0;
  for (const c of components) {
    if (cx > 0 && cx + 2 * c.radius > width) {
      cx = 0;
      cy -= rowHeight;
      rowHeight = 0;
    }
    for (const node of c.nodes) {
      const p = c.local.get(node);
      positions[node] = { x: cx + c.radius + p.x, y: cy - c.radius + p.y };
    }
    cx += 2 * c.radius;
    rowHeight = Math.max(rowHeight, 2 * c.radius);
  }
  return positions;
}

/** Runs ForceAtlas2 from `start` ({node: {x, y}}) and resolves to the new positions, or null
 * when cancelled. The graph's own x/y are not touched (the drawing stays as it is meanwhile). */
export class ForceRunner {
  constructor(workerUrl) {
    this.workerUrl = workerUrl;
    this.worker = null;
    this.cancelled = null;
    this.stats = { iterations: 0, ms: 0, where: "" };
  }

  cancel() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    if (this.cancelled) this.cancelled();
    this.cancelled = null;
  }

  run(graph, start) {
    this.cancel();
    const nodes = graph.nodes();
    if (graph.order < 2) return Promise.resolve(start);
    const matrices = toMatrices(graph, nodes, start);
    const settings = forceSettings(graph.order);
    const { budget, iterations } = forceBudget(graph.order);
    const started = performance.now();
    return new Promise((resolve) => {
      let done = false;
      const finish = (matrix, count, where) => {
        if (done) return;
        done = true;
        this.cancelled = null;
        this.stats = { iterations: count, ms: Math.round(performance.now() - started), where };
        resolve(matrix ? fromMatrix(nodes, matrix) : null);
      };
      this.cancelled = () => finish(null, 0, "cancelled");
      const onMainThread = () => {
        if (done) return;
        if (this.worker) this.worker.terminate();
        this.worker = null;
        runSliced(settings, matrices, budget, iterations, () => done).then((count) => {
          if (count !== null) finish(matrices.nodes, count, "main thread");
        });
      };
      let worker = null;
      try {
        worker = this.workerUrl && typeof Worker === "function" ? new Worker(this.workerUrl) : null;
      } catch {
        worker = null; // e.g. a Content-Security-Policy without worker-src 'self'
      }
      if (!worker) {
        onMainThread();
        return;
      }
      this.worker = worker;
      worker.addEventListener("message", (event) => {
        if (worker !== this.worker) return;
        worker.terminate();
        this.worker = null;
        finish(new Float32Array(event.data.nodes), event.data.iterations, "worker");
      });
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        if (worker === this.worker) onMainThread();
      });
      worker.postMessage(
        { nodes: matrices.nodes.buffer.slice(0), edges: matrices.edges.buffer, settings, budget, iterations },
      );
    });
  }
}

function runSliced(settings, matrices, budget, iterations, stopped) {
  const started = performance.now();
  let count = 0;
  return new Promise((resolve) => {
    const slice = () => {
      if (stopped()) {
        resolve(null);
        return;
      }
      const until = performance.now() + 12;
      while (count < iterations && performance.now() < until) {
        iterate(settings, matrices.nodes, matrices.edges);
        count += 1;
      }
      if (count >= iterations || performance.now() - started >= budget) resolve(count);
      else setTimeout(slice, 0);
    };
    slice();
  });
}

function fromMatrix(nodes, matrix) {
  const positions = {};
  nodes.forEach((node, i) => {
    positions[node] = { x: matrix[i * 10], y: matrix[i * 10 + 1] };
  });
  return positions;
}

/** The matrices of graphology-layout-forceatlas2 (10 floats a node, 3 an edge; a node's mass
 * is 1 + its degree), as its helpers.graphToByteArrays builds them, from given positions. */
function toMatrices(graph, nodes, start) {
  const index = new Map();
  const nodeMatrix = new Float32Array(nodes.length * 10);
  nodes.forEach((node, i) => {
    const j = i * 10;
    index.set(node, j);
    nodeMatrix[j] = start[node].x;
    nodeMatrix[j + 1] = start[node].y;
    nodeMatrix[j + 6] = 1; // mass
    nodeMatrix[j + 7] = 1; // convergence
    nodeMatrix[j + 8] = 1; // size
  });
  const edgeMatrix = new Float32Array(graph.size * 3);
  let k = 0;
  graph.forEachEdge((edge, attr, source, target) => {
    const s = index.get(source);
    const t = index.get(target);
    nodeMatrix[s + 6] += 1;
    nodeMatrix[t + 6] += 1;
    edgeMatrix[k] = s;
    edgeMatrix[k + 1] = t;
    edgeMatrix[k + 2] = 1;
    k += 3;
  });
  return { nodes: nodeMatrix, edges: edgeMatrix };
}
