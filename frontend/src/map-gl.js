// The map (MapLibre GL JS): one component per section[data-map] on the page (the map page, the
// embed, record pages, the campaign's maps of actions). See map/component.js. Loaded by map.js,
// after the first screen where there is one (map/first-screen.js). (The action form's
// location picker has bundles of its own: picker.js and picker-map.js.) Nothing is global except
// window.unmaskMaps (the MapLibre maps of the components), for tests and benchmarks.
// No inline scripts or styles (CSP): the page hands over its config in a JSON script element, and
// MapLibre's worker is a file of its own from this site (dist/map-worker.js); in the static
// mirror it comes from a script instead, first (map/mirror.js: file:// starts no worker).
// The script may be loaded twice on a page: it runs once.
import { setWorkerUrl } from "maplibre-gl";

import { SiteMap } from "./map/component.js";
import { startMirror } from "./map/mirror.js";
import { isMirror } from "./offline-data.js";

async function start() {
  const sections = [...document.querySelectorAll("section[data-map]")];
  const worker = sections[0]?.dataset.worker;
  if (worker) {
    const url = new URL(worker, document.baseURI).href;
    if (isMirror()) await startMirror(url);
    else setWorkerUrl(url); // on the site all of this runs at once, as before
  }
  if (sections.length) {
    window.unmaskMaps = sections.map((section) => new SiteMap(section).map).filter(Boolean);
  }
}

if (!window.unmaskMapScript) {
  window.unmaskMapScript = true;
  start();
}
