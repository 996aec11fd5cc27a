// Colours of the drawing, read from the stylesheet through the legend's swatches (graph.css
// defines each colour once, for both colour schemes). Sigma wants plain "rgb()"/"#hex" strings,
// so every colour is resolved to RGB numbers here; fading mixes toward the canvas background
// (opaque colours draw the same on the canvas, in the PNG and in the SVG).

const FALLBACK = [125, 131, 140];

/** "rgb(1, 2, 3)" / "rgba(1, 2, 3, 0.5)" → [1, 2, 3] (alpha dropped). */
export function parseRgb(text) {
  const match = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text || "");
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

export function css([r, g, b]) {
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** Mix `rgb` toward `toward` by `amount` (0: unchanged, 1: all `toward`). */
export function mix(rgb, toward, amount) {
  return [0, 1, 2].map((i) => rgb[i] + (toward[i] - rgb[i]) * amount);
}

function swatchOf(item) {
  return item.querySelector(".graph-swatch") || item;
}

/** The computed colour of a CSS custom property, via a throwaway element (any colour syntax). */
function resolve(host, property, fallback) {
  const probe = document.createElement("span");
  probe.hidden = true;
  probe.style.color = `var(${property})`;
  host.append(probe);
  const rgb = parseRgb(getComputedStyle(probe).color);
  probe.remove();
  return rgb || fallback;
}

export function readPalette(section) {
  const legend = section.querySelector("[data-graph-legend]");
  const kinds = {};
  const relations = {};
  const statuses = {};
  if (legend) {
    for (const item of legend.querySelectorAll("[data-kind]")) {
      kinds[item.dataset.kind] = parseRgb(getComputedStyle(swatchOf(item)).backgroundColor);
    }
    for (const item of legend.querySelectorAll("[data-relations]")) {
      const rgb = parseRgb(getComputedStyle(swatchOf(item)).backgroundColor);
      for (const relation of item.dataset.relations.split(/\s+/)) relations[relation] = rgb;
    }
    for (const item of legend.querySelectorAll("[data-status]")) {
      const style = getComputedStyle(swatchOf(item));
      statuses[item.dataset.status] = {
        rgb: parseRgb(style.backgroundColor),
        opacity: Number.parseFloat(style.opacity) || 1,
      };
    }
  }
  const bg = resolve(section, "--graph-bg", [255, 255, 255]);
  const label = resolve(section, "--graph-label", [26, 27, 30]);
  return {
    bg,
    label,
    kinds,
    relations,
    statuses,
    node(type, kind) {
      if (type === "product") return kinds.product || FALLBACK;
      return kinds[kind] || kinds.other || FALLBACK;
    },
    edge(relation, status, active) {
      const base = relations[relation] || relations.part_of || FALLBACK;
      if (relation === "part_of" || relation === "maker") return base;
      if (status === "ended" || active === false) {
        const ended = statuses.ended || { rgb: FALLBACK, opacity: 0.7 };
        return mix(ended.rgb || FALLBACK, bg, 1 - ended.opacity);
      }
      const opacity = statuses[status] ? statuses[status].opacity : 1;
      return mix(base, bg, 1 - opacity);
    },
  };
}
