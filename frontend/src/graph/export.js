// Save the current view: PNG from sigma's own layers, SVG written from the positions, sizes and
// colours sigma drew (after the selection's fading), with the labels it showed. Both are made
// in the page and downloaded from a blob: URL; nothing is sent anywhere.
import { css } from "./palette.js";

export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileName(base, extension) {
  const day = new Date().toISOString().slice(0, 10);
  return `${base || "network"}-${day}.${extension}`;
}

/** The layers as drawn now, composed on the background colour. */
export function toPngBlob(renderer, palette) {
  // A synchronous render, then the copy in the same task: WebGL canvases are read before the
  // browser clears their drawing buffer.
  renderer.refresh();
  const layers = renderer.getCanvases();
  const first = layers.edges || Object.values(layers)[0];
  const canvas = document.createElement("canvas");
  canvas.width = first.width;
  canvas.height = first.height;
  const context = canvas.getContext("2d");
  context.fillStyle = css(palette.bg);
  context.fillRect(0, 0, canvas.width, canvas.height);
  for (const [id, layer] of Object.entries(layers)) {
    if (id === "mouse" || !layer.width || !layer.height) continue;
    context.drawImage(layer, 0, 0, canvas.width, canvas.height);
  }
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no PNG"))), "image/png");
  });
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const RTL_SCRIPT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
const n = (value) => (Math.round(value * 10) / 10).toString();

/** The view as an SVG document (a string). */
export function toSvg(renderer, palette, { title = "", rtl = false, shownLabels = null } = {}) {
  const graph = renderer.getGraph();
  const { width, height } = renderer.getDimensions();
  const settings = renderer.getSettings();
  const margin = 40;
  const inView = (p) => p.x > -margin && p.y > -margin && p.x < width + margin && p.y < height + margin;

  const nodes = new Map();
  graph.forEachNode((node) => {
    const data = renderer.getNodeDisplayData(node);
    if (!data || data.hidden) return;
    const p = renderer.framedGraphToViewport(data);
    nodes.set(node, { x: p.x, y: p.y, r: renderer.scaleSize(data.size), data });
  });

  const edges = [];
  graph.forEachEdge((edge, attr, source, target) => {
    const data = renderer.getEdgeDisplayData(edge);
    const a = nodes.get(source);
    const b = nodes.get(target);
    if (!data || data.hidden || !a || !b || (!inView(a) && !inView(b)) || source === target) return;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length = Math.hypot(dx, dy);
    if (length <= a.r + b.r) return;
    const ux = dx / length;
    const uy = dy / length;
    const thickness = Math.max(1, renderer.scaleSize(data.size));
    const head = Math.max(5, thickness * 2.5 * 2);
    const wide = head * 0.45;
    const tipX = b.x - ux * b.r;
    const tipY = b.y - uy * b.r;
    const baseX = tipX - ux * head;
    const baseY = tipY - uy * head;
    edges.push(
      `<line x1="${n(a.x + ux * a.r)}" y1="${n(a.y + uy * a.r)}" x2="${n(baseX)}" y2="${n(baseY)}" stroke="${data.color}" stroke-width="${n(thickness)}"/>` +
        `<path d="M${n(tipX)} ${n(tipY)}L${n(baseX - uy * wide)} ${n(baseY + ux * wide)}L${n(baseX + uy * wide)} ${n(baseY - ux * wide)}Z" fill="${data.color}"/>`,
    );
  });

  const ordered = [...nodes.entries()].sort((p, q) => (p[1].data.zIndex || 0) - (q[1].data.zIndex || 0));
  const circles = [];
  for (const [, node] of ordered) {
    if (!inView(node)) continue;
    circles.push(`<circle cx="${n(node.x)}" cy="${n(node.y)}" r="${n(node.r)}" fill="${node.data.color}"/>`);
  }

  // The labels as drawn (some cut short to fit), else every label sigma chose.
  const shown = shownLabels || new Map([...renderer.getNodeDisplayedLabels()].map((key) => [key, null]));
  const labels = [];
  const size = settings.labelSize;
  for (const [node, item] of ordered) {
    if (!item.data.label || !inView(item) || !shown.has(node)) continue;
    const label = shown.get(node) || item.data.label;
    const x = rtl ? item.x - item.r - 3 : item.x + item.r + 3;
    // Anchored on the node's side whatever the label's own direction (as on the canvas).
    const own = RTL_SCRIPT.test(label);
    const anchor = rtl !== own ? "end" : "start";
    labels.push(
      `<text x="${n(x)}" y="${n(item.y + size / 3)}" text-anchor="${anchor}"${own ? ' direction="rtl"' : ""}>${escape(label)}</text>`,
    );
  }

  const bg = css(palette.bg);
  const ink = css(palette.label);
  const font = escape(settings.labelFont);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    title ? `<title>${escape(title)}</title>` : "",
    `<rect width="100%" height="100%" fill="${bg}"/>`,
    `<g stroke-linecap="round">${edges.join("")}</g>`,
    `<g>${circles.join("")}</g>`,
    `<g font-family="${font}" font-size="${size}" font-weight="${escape(settings.labelWeight)}" fill="${ink}" stroke="${bg}" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${labels.join("")}</g>`,
    `</svg>`,
  ].join("\n");
}
