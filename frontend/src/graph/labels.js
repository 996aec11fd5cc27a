// How sigma draws labels and the hovered node: in the page's colours (both schemes), with a
// halo so a label stays readable over edges, and on the reading side of the node: right of it
// on left-to-right pages, left of it on right-to-left ones (Arabic, Hebrew).
//
// Sigma's label grid picks at least one label per cell, which still lets long names run over
// each other and over other nodes (the halo would hide a small node). So a label stops short of
// the next node or label on its line, cut with an ellipsis, and is left out when less than a
// few letters would fit; pinned labels (the root, the selection) are always drawn in full. The
// hover box and the card show the whole name. `nodes()` returns the nodes as drawn ({key, x, y,
// r} in pixels), asked once a frame at the first label; `shown` holds the labels drawn (key →
// text), for the SVG export, and `boxes` where they are; call `reset` before each render.
import { css } from "./palette.js";

const CELL = 48;
// A label in Hebrew or Arabic script is laid out right to left (its ellipsis on its left), on
// any page; the page's direction only decides on which side of the node labels go.
const RTL_SCRIPT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

export function labelDrawers(palette, rtl, nodes = () => []) {
  const halo = css(palette.bg);
  const ink = css(palette.label);

  const place = (context, data, settings) => {
    const size = settings.labelSize;
    context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    context.textAlign = rtl ? "right" : "left";
    context.direction = RTL_SCRIPT.test(data.label || "") ? "rtl" : "ltr";
    const gap = data.size + 3;
    return { x: rtl ? data.x - gap : data.x + gap, y: data.y + size / 3, size };
  };

  const boxes = [];
  const shown = new Map();
  let grid = null;
  const reset = () => {
    boxes.length = 0;
    shown.clear();
    grid = null;
  };
  const buildGrid = () => {
    grid = new Map();
    for (const node of nodes()) {
      const key = `${Math.floor(node.x / CELL)},${Math.floor(node.y / CELL)}`;
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(node);
    }
  };
  /** How far (pixels) a label may run from its start before it meets a label drawn before it
   * or a node other than its own (not much smaller than its own: `radius`). */
  const room = (box, self, radius) => {
    if (!grid) buildGrid();
    let free = box.right - box.left;
    const limit = (left, right) => {
      if (right <= box.left || left >= box.right) return;
      free = Math.min(free, Math.max(0, rtl ? box.right - right : left - box.left));
    };
    for (const other of boxes) {
      if (other.top < box.bottom && box.top < other.bottom) limit(other.left - 4, other.right + 4);
    }
    for (let cx = Math.floor(box.left / CELL) - 1; cx <= Math.floor(box.right / CELL) + 1; cx += 1) {
      for (let cy = Math.floor(box.top / CELL) - 1; cy <= Math.floor(box.bottom / CELL) + 1; cy += 1) {
        for (const node of grid.get(`${cx},${cy}`) || []) {
          if (node.key === self || node.y + node.r <= box.top || node.y - node.r >= box.bottom) continue;
          if (node.r < radius * 0.7) continue; // a hub's label may run over much smaller dots
          limit(node.x - node.r - 2, node.x + node.r + 2);
        }
      }
    }
    return free;
  };

  const ELLIPSIS = "…";
  const fit = (context, text, width) => {
    const chars = Array.from(text);
    let low = 0;
    let high = chars.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (context.measureText(chars.slice(0, mid).join("").trimEnd() + ELLIPSIS).width <= width) low = mid;
      else high = mid - 1;
    }
    return low >= 3 ? chars.slice(0, low).join("").trimEnd() + ELLIPSIS : "";
  };

  function drawLabel(context, data, settings) {
    if (!data.label) return;
    const { x, y, size } = place(context, data, settings);
    const width = context.measureText(data.label).width;
    const box = { left: rtl ? x - width : x, right: rtl ? x : x + width, top: y - size, bottom: y + 4 };
    let text = data.label;
    if (!data.pinLabel && !data.highlighted) {
      const free = room(box, data.key, data.size);
      if (free < width) {
        text = free >= 24 ? fit(context, data.label, free) : "";
        if (!text) return;
        const cut = context.measureText(text).width;
        if (rtl) box.left = box.right - cut;
        else box.right = box.left + cut;
      }
    }
    box.text = text;
    boxes.push(box);
    if (data.key !== undefined) shown.set(data.key, text);
    paint(context, text, x, y);
  }

  function paint(context, text, x, y) {
    context.lineWidth = 3;
    context.lineJoin = "round";
    context.strokeStyle = halo;
    context.strokeText(text, x, y);
    context.fillStyle = ink;
    context.fillText(text, x, y);
  }

  function drawHover(context, data, settings) {
    const { size } = place(context, data, settings);
    const padding = 3;
    const radius = Math.max(data.size, size / 2) + padding;
    context.save();
    context.fillStyle = halo;
    context.shadowColor = "rgba(0, 0, 0, 0.35)";
    context.shadowBlur = 8;
    context.beginPath();
    if (data.label) {
      const width = context.measureText(data.label).width + 8;
      const height = size + 2 * padding;
      const start = rtl ? data.x - radius - width : data.x;
      if (context.roundRect) context.roundRect(start, data.y - height / 2, radius + width, height, height / 2);
      else context.rect(start, data.y - height / 2, radius + width, height);
    }
    context.arc(data.x, data.y, radius, 0, Math.PI * 2);
    context.fill();
    context.restore();
    context.beginPath();
    context.fillStyle = data.color;
    context.arc(data.x, data.y, data.size, 0, Math.PI * 2);
    context.fill();
    if (data.label) {
      const { x, y } = place(context, data, settings);
      paint(context, data.label, x, y);
    }
  }

  return { drawLabel, drawHover, reset, shown, boxes };
}
