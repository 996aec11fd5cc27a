// The map (MapLibre GL JS): one component per section[data-map] on the page (the map page, the
// embed, record pages, the campaign's maps of actions), and the location picker of the action
// form ([data-location-picker]). See map/component.js and map/picker.js. Nothing is global
// except window.unmaskMaps (the MapLibre maps of the components) and window.unmaskPickers (those
// of the pickers), for tests and benchmarks.
// No inline scripts or styles (CSP): the page hands over its config in a JSON script element, and
// MapLibre's worker is a file of its own from this site (dist/map-worker.js).
// The script may be included twice on a page (a picker's include brings it along): it runs once.
import { setWorkerUrl } from "maplibre-gl";

import { SiteMap } from "./map/component.js";
import { startPickers } from "./map/picker.js";

if (!window.unmaskMapScript) {
  window.unmaskMapScript = true;
  const sections = [...document.querySelectorAll("section[data-map]")];
  const pickers = [...document.querySelectorAll("[data-location-picker]")];
  const worker = sections[0]?.dataset.worker || pickers[0]?.dataset.worker;
  if (worker) setWorkerUrl(new URL(worker, document.baseURI).href);
  if (sections.length) {
    window.unmaskMaps = sections.map((section) => new SiteMap(section).map).filter(Boolean);
  }
  if (pickers.length) startPickers();
}
