// The network graph: one interactive graph per section[data-graph] (sigma.js on WebGL, laid
// out in tiers or by ForceAtlas2), driven by the shared filter form where the page has one.
// Progressive enhancement: without JavaScript the section's list shows the same links.
// No inline styles or scripts (CSP), no request to another host, words from the page only.
import { bindFilters } from "./graph/filters.js";
import { GraphView } from "./graph/view.js";

function start() {
  const views = [...document.querySelectorAll("section[data-graph]")].map((section) => new GraphView(section));
  window.unmaskGraphs = views.map((view) => view.api());
  for (const view of views) view.start();
  const form = document.querySelector("form[data-map-filters]");
  const following = views.filter((view) => view.followsFilters);
  if (form && following.length) {
    bindFilters(form, (params) => {
      for (const view of following) view.load(params);
    });
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
