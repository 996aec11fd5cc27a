// The card of the selected node: its name, kind and country, its links out and in (in the
// words of the record: "supplies components to …", "receives components from …"), and a link
// to its page. Built from the page's <template data-graph-card-template> with DOM APIs and
// textContent only: names come from the record, never parsed as HTML.
import { countryName, format } from "./text.js";

const MAX_ITEMS = 40;

function entries(graph, node, direction, strings) {
  const items = [];
  const each = direction === "out" ? graph.forEachOutEdge.bind(graph) : graph.forEachInEdge.bind(graph);
  each(node, (edge, attr, source, target) => {
    const other = direction === "out" ? target : source;
    let words = direction === "out" ? attr.relationLabel : attr.inverseLabel;
    if (direction === "in" && attr.linkType === "part_of") words = strings.hasPart || attr.relationLabel;
    if (direction === "in" && attr.linkType === "maker") words = strings.madeBy || attr.relationLabel;
    items.push({ edge, attr, other, words, name: graph.getNodeAttribute(other, "label") });
  });
  items.sort((a, b) => a.words.localeCompare(b.words) || a.name.localeCompare(b.name));
  return items;
}

export function renderCard(card, template, graph, node, { strings, locale, onSelect, onClose }) {
  const attr = graph.getNodeAttributes(node);
  const fragment = template.content.cloneNode(true);
  const field = (name) => fragment.querySelector(`[data-field="${name}"]`);
  field("label").textContent = attr.label;
  field("kind").textContent = attr.kindLabel;
  const country = countryName(attr.country, locale);
  field("country").textContent = country ? `· ${country}` : "";
  const link = field("url");
  if (attr.url) link.href = attr.url;
  else link.closest("p").remove();

  for (const direction of ["out", "in"]) {
    const list = fragment.querySelector(`[data-list="${direction}"]`);
    const items = entries(graph, node, direction, strings);
    if (!items.length) {
      list.closest("[data-part]").remove();
      continue;
    }
    for (const item of items.slice(0, MAX_ITEMS)) {
      const li = document.createElement("li");
      if (item.attr.status) li.className = `status-${item.attr.status}`;
      li.append(`${item.words} `);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "graph-node-button";
      button.textContent = item.name;
      button.addEventListener("click", () => onSelect(item.other));
      li.append(button);
      if (item.attr.product && item.attr.product !== attr.label && item.attr.product !== item.name) {
        const product = document.createElement("span");
        product.className = "graph-card-product";
        product.textContent = ` (${item.attr.product})`;
        li.append(product);
      }
      if (item.attr.statusLabel) {
        const badge = document.createElement("span");
        badge.className = "status-badge";
        badge.textContent = item.attr.statusLabel;
        li.append(" ", badge);
      }
      list.append(li);
    }
    if (items.length > MAX_ITEMS) {
      const li = document.createElement("li");
      li.textContent = format(strings.more, { n: items.length - MAX_ITEMS }, locale);
      list.append(li);
    }
  }
  fragment.querySelector('[data-action="close"]').addEventListener("click", onClose);
  card.replaceChildren(fragment);
  card.hidden = false;
}

export function clearCard(card) {
  card.replaceChildren();
  card.hidden = true;
}
