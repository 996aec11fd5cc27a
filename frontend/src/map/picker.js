// The location picker of the action form (campaign/includes/location_picker.html): an offline
// map (the same basemap as every map here) that fills in two inputs, latitude and longitude.
//
//   <div data-location-picker data-lat="id_latitude" data-lon="id_longitude"
//        data-config="…json script id…" data-worker="…/map-worker.js" hidden>
//     <template data-map-strings>…</template>
//     <div class="map-canvas"></div>
//   </div>
//
// A click or a tap on the map sets both inputs (rounded to 5 decimals, about a metre) and puts
// a marker there; the marker can be dragged; typing in the inputs moves it. With the map focused,
// Enter puts the point at the centre of the map (the arrow keys and +/- move and zoom it). The
// inputs stay the accessible way to give a place: the map is an aid, hidden without JavaScript.
// Each change of the inputs made here fires "input" and "change" on them, as typing would.
// With data-country (the id of the form's country select), choosing a country shows it on the
// map (its main land's box from the basemap's bounds.json), unless the point given lies in it.
import { AttributionControl, Map as MapLibreMap, Marker, NavigationControl, addProtocol } from "maplibre-gl";
import { Protocol } from "pmtiles";

import { fetchJSON } from "../offline-data.js";
import { readStrings } from "./strings.js";
import { buildStyle, readColours } from "./style.js";

const PLACES = 5;
const WORLD = { center: [15, 30], zoom: 1 };
const CLOSE = 13; // zoom on a point given
const COUNTRY_MAX_ZOOM = 8; // a small country is shown with its neighbours

let bounds = null; // bounds.json, once per page

let pmtilesReady = false;

const round = (value) => Number(value.toFixed(PLACES));

function parse(input, limit) {
  const text = (input?.value || "").trim().replace(",", ".");
  if (!text) return null;
  const value = Number(text);
  return Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

export class LocationPicker {
  constructor(root) {
    this.root = root;
    this.lat = document.getElementById(root.dataset.lat);
    this.lon = document.getElementById(root.dataset.lon);
    if (!this.lat || !this.lon) return;
    const configElement = root.dataset.config && document.getElementById(root.dataset.config);
    this.config = configElement ? JSON.parse(configElement.textContent) : {};
    this.strings = readStrings(root);
    this.canvas = root.querySelector(".map-canvas");
    this.marker = null;
    root.hidden = false;
    try {
      this.createMap();
    } catch {
      root.hidden = true; // no WebGL: the inputs alone
      return;
    }
    const update = () => this.fromInputs();
    this.lat.addEventListener("input", update);
    this.lon.addEventListener("input", update);
    this.lat.addEventListener("change", update);
    this.lon.addEventListener("change", update);
    this.country = root.dataset.country ? document.getElementById(root.dataset.country) : null;
    this.country?.addEventListener("change", () => this.showCountry());
    if (this.country?.value && !this.point()) this.showCountry(); // a form given back with a country
  }

  /** The country chosen in the form: the map shows it, unless the point given lies in it. */
  async showCountry() {
    const code = (this.country.value || "").trim().toUpperCase();
    const number = (this.config.countryNumbers || {})[code];
    if (!number || !this.config.bounds) return;
    bounds ??= fetchJSON(new URL(this.config.bounds, document.baseURI).href).catch(() => ({}));
    const box = (await bounds)[number];
    if (!box || this.country.value.trim().toUpperCase() !== code) return; // changed meanwhile
    const point = this.point();
    if (point && inBox(point, box)) return;
    this.fitBox(box);
  }

  /** Show a box; on a map still folded away (no size yet), once it is unfolded. */
  fitBox(box) {
    const { clientWidth: width, clientHeight: height } = this.map.getContainer();
    this.pendingBox = null;
    if (!width || !height) {
      this.pendingBox = box;
      return;
    }
    const [west, south, east, north] = box;
    const padding = Math.max(0, Math.min(32, width / 8, height / 8));
    this.map.fitBounds(
      [
        [west, south],
        [east, north],
      ],
      { padding, maxZoom: COUNTRY_MAX_ZOOM, duration: 600 },
    );
  }

  createMap() {
    const rtl = document.documentElement.dir === "rtl";
    const pmtiles = Boolean(this.config.pmtiles);
    if (pmtiles && !pmtilesReady) {
      addProtocol("pmtiles", new Protocol().tile);
      pmtilesReady = true;
    }
    const point = this.point();
    const map = new MapLibreMap({
      container: this.canvas,
      style: buildStyle({
        config: this.config,
        colours: readColours(this.root),
        lang: this.strings.lang,
        pmtiles,
        layers: [],
      }),
      ...(point ? { center: point, zoom: CLOSE } : WORLD),
      minZoom: 0,
      maxZoom: 18,
      attributionControl: false,
      cooperativeGestures: true,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      locale: this.strings.mapLocale(),
    });
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), rtl ? "top-left" : "top-right");
    map.addControl(new AttributionControl({ compact: true }), "bottom-right");
    const label = this.strings.text("canvas-label");
    if (label) map.getCanvas().setAttribute("aria-label", label);
    this.map = map;
    (window.unmaskPickers ||= []).push(map);

    map.on("click", (event) => this.set(event.lngLat.wrap()));
    map.on("resize", () => {
      if (this.pendingBox) this.fitBox(this.pendingBox);
    });
    map.getCanvas().addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      this.set(map.getCenter().wrap());
    });
    if (point) this.place(point);
  }

  /** The point the inputs hold, as [lon, lat], or null. */
  point() {
    const lat = parse(this.lat, 90);
    const lon = parse(this.lon, 180);
    return lat === null || lon === null ? null : [lon, lat];
  }

  /** A point chosen on the map: into the inputs, and the marker there. */
  set({ lng, lat }) {
    this.pendingBox = null;
    this.place([round(lng), round(lat)]);
    this.writing = true; // the inputs' events are ours: the marker is already there
    try {
      this.write(this.lat, round(lat));
      this.write(this.lon, round(lng));
    } finally {
      this.writing = false;
    }
    this.root.dispatchEvent(new CustomEvent("unmask:location", { bubbles: true, detail: { lat: round(lat), lon: round(lng) } }));
  }

  write(input, value) {
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  place(lngLat) {
    if (!this.marker) {
      const element = document.createElement("div");
      element.className = "picker-marker";
      element.setAttribute("aria-hidden", "true");
      // MapLibre positions the element with its transform: the pin is drawn inside it.
      const pin = document.createElement("span");
      pin.className = "picker-pin";
      element.append(pin);
      this.marker = new Marker({ element, anchor: "bottom", draggable: true }).setLngLat(lngLat).addTo(this.map);
      this.marker.on("dragend", () => this.set(this.marker.getLngLat().wrap()));
    } else {
      this.marker.setLngLat(lngLat);
    }
    this.root.dataset.placed = "";
  }

  /** Typed in the inputs: move the marker, and the map if the point is out of view. */
  fromInputs() {
    if (this.writing) return;
    const point = this.point();
    if (!point) {
      this.marker?.remove();
      this.marker = null;
      delete this.root.dataset.placed;
      return;
    }
    const [lon, lat] = this.marker ? this.marker.getLngLat().toArray() : [NaN, NaN];
    if (lon === point[0] && lat === point[1]) return; // our own write, echoed
    this.pendingBox = null;
    this.place(point);
    if (!this.map.getBounds().contains(point) || this.map.getZoom() < 8) {
      this.map.jumpTo({ center: point, zoom: Math.max(this.map.getZoom(), CLOSE) });
    }
  }
}

/** Is [lon, lat] in the box (whose longitudes may run past 180° across the antimeridian)? */
function inBox([lon, lat], [west, south, east, north]) {
  if (lat < south || lat > north) return false;
  return [lon, lon + 360, lon - 360].some((x) => x >= west && x <= east);
}

export function startPickers() {
  return [...document.querySelectorAll("[data-location-picker]")]
    .filter((root) => !root.dataset.pickerStarted && (root.dataset.pickerStarted = "1"))
    .map((root) => new LocationPicker(root));
}
