// The map (MapLibre GL JS): one component per section[data-map] on the page (the map page, the
// embed, record pages). See map/component.js. Nothing is global except window.unmaskMaps, the
// list of the MapLibre maps, for tests and benchmarks.
// No inline scripts or styles (CSP): the page hands over its config in a JSON script element, and
// MapLibre's worker is a file of its own from this site (dist/map-worker.js).
import { setWorkerUrl } from "maplibre-gl";

import { SiteMap } from "./map/component.js";

const sections = [...document.querySelectorAll("section[data-map]")];
if (sections.length) {
  const worker = sections[0].dataset.worker;
  if (worker) setWorkerUrl(new URL(worker, document.baseURI).href);
  window.unmaskMaps = sections.map((section) => new SiteMap(section).map).filter(Boolean);
}
