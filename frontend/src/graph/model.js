// The server's Cytoscape JSON → a graphology graph with what sigma draws (x, y, size, color)
// and what the card and the exports need. Sigma reads a node's or edge's `type` attribute as
// the name of its WebGL program, so the record's types are kept as `nodeType` / `linkType`.
import Graph from "graphology";

import { css, mix } from "./palette.js";

const MIN_SIZE = 3;
const MAX_SIZE = 15;

export function buildGraph(payload, palette) {
  const graph = new Graph({ type: "directed", multi: true, allowSelfLoops: true });
  const elements = (payload && payload.elements) || {};
  let placed = 0;
  for (const { data, position } of elements.nodes || []) {
    if (!data || graph.hasNode(data.id)) continue;
    // A big network comes laid out by the server (graph/layout.py), as Cytoscape's `position`.
    const at = position && Number.isFinite(position.x) && Number.isFinite(position.y) ? position : null;
    if (at) placed += 1;
    graph.addNode(data.id, {
      label: data.label || data.id,
      nodeType: data.type,
      kind: data.kind || "",
      kindLabel: data.kind_label || "",
      country: data.country || "",
      url: data.url || "",
      x: at ? at.x : 0,
      y: at ? at.y : 0,
      size: MIN_SIZE,
    });
  }
  for (const { data } of elements.edges || []) {
    if (!data || !graph.hasNode(data.source) || !graph.hasNode(data.target)) continue;
    if (graph.hasEdge(data.id)) continue;
    graph.addDirectedEdgeWithKey(data.id, data.source, data.target, {
      linkType: data.type,
      relation: data.relation,
      relationLabel: data.label || "",
      inverseLabel: data.inverse_label || "",
      status: data.status || "",
      statusLabel: data.status_label || "",
      active: data.active !== false,
      product: data.product || "",
      start: data.start || "",
      end: data.end || "",
    });
  }
  const root = payload && payload.root && graph.hasNode(payload.root) ? payload.root : "";
  graph.setAttribute("root", root);
  graph.setAttribute("laidOut", graph.order > 0 && placed === graph.order);
  graph.setAttribute("totalLinks", (payload && payload.total_links) || 0);
  graph.setAttribute("truncated", Boolean(payload && payload.truncated));
  graph.updateEachNodeAttributes(
    (node, attr) => {
      attr.degree = graph.degree(node);
      return attr;
    },
    { attributes: ["degree"] },
  );
  applyStyle(graph, palette);
  return graph;
}

/** Colours and sizes from the palette (again when the colour scheme changes). */
export function applyStyle(graph, palette) {
  const root = graph.getAttribute("root");
  const big = graph.order > 1500;
  graph.updateEachNodeAttributes(
    (node, attr) => {
      const rgb = palette.node(attr.nodeType, attr.kind);
      let size = Math.min(MAX_SIZE, MIN_SIZE + 1.5 * Math.sqrt(attr.degree || 0));
      if (big) size = Math.max(2, size * 0.8);
      if (attr.nodeType === "product") size += 1;
      if (node === root) size = MAX_SIZE + 3;
      attr.size = size;
      attr.color = css(rgb);
      attr.fadedColor = css(mix(rgb, palette.bg, 0.82));
      attr.forceLabel = node === root; // always a candidate (sigma) ...
      attr.pinLabel = node === root; // ... and drawn in full (labels.js)
      return attr;
    },
    { attributes: ["size", "color", "fadedColor", "forceLabel", "pinLabel"] },
  );
  graph.updateEachEdgeAttributes(
    (edge, attr) => {
      const rgb = palette.edge(attr.relation, attr.status, attr.active);
      attr.color = css(rgb);
      attr.fadedColor = css(mix(rgb, palette.bg, 0.88));
      attr.size = attr.linkType !== "link" ? 1 : attr.status === "confirmed" ? 2 : 1.4;
      attr.type = "arrow";
      return attr;
    },
    { attributes: ["color", "fadedColor", "size", "type"] },
  );
}

/** Links only (part-of edges are the product tree, not claims). */
export function linkCount(graph) {
  let count = 0;
  graph.forEachEdge((edge, attr) => {
    if (attr.linkType === "link") count += 1;
  });
  return count;
}
