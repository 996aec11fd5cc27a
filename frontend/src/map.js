// What a page with a map loads first (a few kilobytes): on the record's map page and its embed,
// the first screen (map/first-screen.js: the sites' worker started at once, and the sites drawn
// on a plain canvas); then the map itself, MapLibre and its component (map-gl.js, 300 KB
// compressed): fetched once that first screen is drawn and run once it shows every site, or
// at once on pages without one. The sections name map-gl.js (data-gl): its address carries a
// hash of its content (collectstatic).
//
// Pages load this script deferred, in their head. The record's full map also names it right
// after its canvas (maps/includes/map.html), async: it then runs while the rest of the page is
// still being read (the list of sites, the share dialog), and the sites' worker starts that
// much sooner. It runs once, whichever comes first; MapLibre's bundle waits for the whole page.
import { FirstScreen } from "./map/first-screen.js";

const WAIT_MS = 2000; // MapLibre loads after this at the latest, drawn or not

const screens = new Map(); // by section: the first screens (component.js takes them over)
const tried = new WeakSet();

function openScreens() {
  for (const section of document.querySelectorAll("section[data-map]")) {
    if (tried.has(section)) continue;
    tried.add(section);
    const screen = FirstScreen.open(section);
    if (screen) screens.set(section, screen);
  }
}

function loadMap() {
  openScreens();
  const gl = document.querySelector("section[data-map][data-gl]")?.dataset.gl;
  if (!gl) return;
  const script = document.createElement("script");
  script.src = gl;
  const run = () => script.isConnected || document.head.append(script);
  if (!screens.size) return run();
  // A filter or a layer chosen before the map came: the map is needed now (the component
  // applies the form's choices when it starts).
  for (const form of document.querySelectorAll("form[data-map-filters]")) {
    form.addEventListener("change", run, { once: true });
  }
  // Fetched once the first screen is drawn, run once it has every site: its parsing and its
  // WebGL would otherwise hold up the page's thread while the worker's clusters wait to be drawn.
  const waited = new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  const all = (key) => Promise.race([Promise.all([...screens.values()].map((screen) => screen[key])), waited]);
  all("drawnOnce").then(() => {
    const preload = document.createElement("link");
    preload.rel = "preload";
    preload.as = "script";
    preload.href = gl;
    document.head.append(preload);
  });
  all("clusteredOnce").then(run);
}

if (!window.unmaskFirstScreens) {
  window.unmaskFirstScreens = screens;
  openScreens();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loadMap, { once: true });
  else loadMap();
}
