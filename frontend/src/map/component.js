// One map component (section[data-map]): the MapLibre map, its data layers (layers.js: the
// record's sites, the campaign's actions, or both), the list of what is in view of one of them,
// the popups, and on a page with a filter form the form and the address. A layer the reader
// turns on and off (the actions over the record's sites: its `toggle`) keeps its state in the
// address beside the filters, which never apply to it.
import { AttributionControl, Map as MapLibreMap, NavigationControl, Popup, addProtocol } from "maplibre-gl";
import { Protocol } from "pmtiles";

import { isMirror } from "../offline-data.js";
import { layersFromConfig } from "./layers.js";
import { choicePopup } from "./popup.js";
import { Preview } from "./preview.js";
import { readStrings } from "./strings.js";
import {
  FILTER_KEYS,
  fillForm,
  formKeys,
  formatHash,
  paramsFromForm,
  paramsFromSearch,
  parseHash,
  queryString,
  sameParams,
  showFilterCount,
} from "./state.js";
import { ACTIONS, CLUSTER_MAX_ZOOM, actionImages, buildStyle, colourPaint, readColours } from "./style.js";
import { FIT_MAX_ZOOM, WORLD, dataBounds, fitPadding } from "./view.js";

const LIST_LIMIT = 100; // items listed under the map, as the server lists without JavaScript
const CHOICES_LIMIT = 50; // items listed in the popup of a place that holds several
const POPUP_MARGIN = 12; // pixels kept between a popup and the edge of the map
const MARK = "unmask:clusters-drawn";
// The basemap's sources drawn only from zoom 2 on (style.js: places from 2, regions from 3.5).
const DEFERRED_SOURCES = ["regions", "places"];
const DEFERRED_FROM_ZOOM = 2;
// Fitting the map to filtered results: never closer than a city with its neighbours.
const RESULTS_MAX_ZOOM = 9;

let pmtilesReady = false;
function usePmtiles() {
  if (!pmtilesReady) {
    addProtocol("pmtiles", new Protocol().tile);
    pmtilesReady = true;
  }
}

export class SiteMap {
  constructor(section) {
    this.section = section;
    this.id = section.dataset.map;
    this.config = JSON.parse(document.getElementById(section.dataset.config).textContent);
    this.strings = readStrings(section);
    this.canvas = section.querySelector(".map-canvas");
    this.list = section.querySelector("[data-map-list]");
    this.count = section.querySelector("[data-map-count]");
    this.heading = section.querySelector("[data-map-list-heading]");
    this.form = this.findForm();
    this.filterKeys = this.config.filterKeys || FILTER_KEYS;
    this.layers = layersFromConfig(this.config, this);
    this.toggles = this.layers.filter((layer) => layer.toggle);
    this.listed = this.layers.find((layer) => layer.name === this.config.list) || this.layers[0];
    // The map page and the embed keep their filters and position in the address; a map on a
    // record page leaves the page's address alone.
    this.inAddress = Boolean(this.form) || document.documentElement.classList.contains("embed");
    this.params = { ...(this.config.params || {}) };
    this.popup = null;
    this.marked = false;
    this.map = null;

    // The first screen drawn before MapLibre came (first-screen.js, map.js): its worker, its
    // sites and, if the reader zoomed in there, its view are taken over.
    this.first = window.unmaskFirstScreens?.get(section) || null;
    this.firstMoves = this.first?.moves || 0;
    const view = this.firstMoves ? this.first.view : this.inAddress ? parseHash(location.hash) : null;
    // A view the reader chose (the address's, or the map moved by hand) is kept when filters
    // change, unless none of the results is in it; otherwise the map fits the results.
    this.viewChosen = Boolean(view);
    const first = this.fetchLayers(this.layers.filter((layer) => layer.shown)); // under way while MapLibre starts
    try {
      this.createMap(view);
    } catch {
      // No WebGL (or a browser too old): the list and the form keep working without the map.
      first.controller.abort();
      this.first?.remove();
      this.canvas.replaceChildren(paragraph("map-nojs", this.strings.text("no-map")));
      return;
    }
    if (this.form) this.bindForm();
    if (this.inAddress) this.bindAddress();
    this.bindList();
    this.startPreview();
    this.load({ fit: view ? "never" : "always" }, first);
    // Filters or a layer chosen in the form before the map came (while its first screen was
    // up) are applied now, as if chosen now.
    if (this.form) this.applyForm();
  }

  /** The record's map pages draw the server's preview of the sites while their worker clusters them. */
  startPreview() {
    const sites = this.layers.find((layer) => layer.name === "sites");
    const url = sites?.settings.previewUrl;
    if (!url || !this.inAddress || isMirror()) return; // the mirror's data is not written twice
    if (sites.settings.tilesUrl) return; // the server's clusters begin with the preview's cells
    if (this.first?.complete) return; // every site is on the first screen already
    const query = this.query();
    this.preview = new Preview(this.map, url + (query ? `?${query}` : ""), this.styleReady, { map: this.id });
    // MapLibre came before the first screen had every site (it came for another layer, or
    // after a wait): its own preview takes over from the first screen once drawn.
    this.preview.settled.then(() => this.first?.handOff(this, this.firstMoves));
  }

  /** Sites, for the benchmarks and older callers: the sites layer's index. */
  get sites() {
    return this.layers.find((layer) => layer.name === "sites")?.data || { length: 0 };
  }

  findForm() {
    const forms = [...document.querySelectorAll("form[data-map-filters]")];
    const named = forms.find((form) => form.dataset.mapFilters === this.id);
    if (named) return named;
    const first = document.querySelector("section[data-map]") === this.section;
    return first ? forms.find((form) => !form.dataset.mapFilters) || null : null;
  }

  // --- the map ----------------------------------------------------------------------------------

  createMap(view) {
    const rtl = document.documentElement.dir === "rtl";
    const pmtiles = Boolean(this.config.pmtiles);
    if (pmtiles) usePmtiles();
    const style = buildStyle({
      config: this.config,
      colours: readColours(this.section),
      lang: this.strings.lang,
      pmtiles,
      layers: this.layers.map((layer) => layer.name),
      hidden: this.layers.filter((layer) => !layer.shown).map((layer) => layer.source),
    });
    this.deferBasemap(style, (view || WORLD).zoom);
    const map = new MapLibreMap({
      container: this.canvas,
      style,
      ...(view || WORLD),
      minZoom: 0,
      maxZoom: 17,
      attributionControl: false,
      cooperativeGestures: true,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      locale: this.strings.mapLocale(),
    });
    this.canvas.querySelector(".map-nojs")?.remove();
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), rtl ? "top-left" : "top-right");
    map.addControl(new AttributionControl({ compact: true }), "bottom-right");
    this.map = map;
    if (this.layers.some((layer) => layer.name === ACTIONS)) this.addImages();
    // The sites can go in as soon as the style is parsed, while the basemap still loads.
    this.styleReady = new Promise((resolve) => {
      if (map.isStyleLoaded()) resolve();
      else map.once("style.load", () => resolve());
    });

    map.on("movestart", (event) => {
      if (event.originalEvent) this.viewChosen = true; // dragged, zoomed, keys: not our fitBounds
    });
    // Layers clustered off the page (the sites) are handed the clusters of each new view.
    map.on("move", () => {
      for (const layer of this.layers) if (layer.shown) layer.update(map);
    });
    map.on("moveend", () => {
      this.renderList();
      if (this.inAddress) this.writeHash();
    });
    map.on("click", (event) => this.onClick(event));
    if (Object.keys(this.later).length) {
      const zoomed = () => {
        if (map.getZoom() < DEFERRED_FROM_ZOOM) return;
        map.off("zoom", zoomed);
        this.loadDeferred();
      };
      map.on("zoom", zoomed);
    }
    // Escape closes a popup and gives the keyboard back to the map.
    this.canvas.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.popup) return;
      this.closePopup();
      map.getCanvas().focus();
    });
    for (const layer of this.hitLayers()) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    dark.addEventListener("change", () => this.applyColours());
  }

  /**
   * The basemap's first-level boundaries and places are drawn only from zoom 2 on (style.js): a
   * map that opens further out leaves their files (3.5 MB to index) until the sites are drawn
   * or the map is zoomed in, so that MapLibre's worker draws the countries and the sites first.
   */
  deferBasemap(style, zoom) {
    this.later = {};
    if (zoom >= DEFERRED_FROM_ZOOM) return;
    for (const id of DEFERRED_SOURCES) {
      if (!style.sources[id]) continue;
      this.later[id] = style.sources[id].data;
      style.sources[id].data = { type: "FeatureCollection", features: [] };
    }
  }

  loadDeferred() {
    const later = this.later;
    this.later = {};
    for (const [id, data] of Object.entries(later)) this.map.getSource(id)?.setData(data);
  }

  applyColours() {
    const colours = readColours(this.section);
    const paint = colourPaint(colours);
    for (const [layer, properties] of Object.entries(paint)) {
      if (!this.map.getLayer(layer)) continue;
      for (const [name, value] of Object.entries(properties)) this.map.setPaintProperty(layer, name, value);
    }
    if (this.layers.some((layer) => layer.name === ACTIONS)) {
      for (const [name, { data }] of Object.entries(actionImages(colours))) {
        if (this.map.hasImage(name)) this.map.updateImage(name, data);
      }
    }
  }

  /** The actions' pictures are drawn here, not fetched: added before the style asks for them. */
  addImages() {
    const images = actionImages(readColours(this.section));
    const add = (name) => {
      if (!images[name] || this.map.hasImage(name)) return;
      const { data, pixelRatio } = images[name];
      this.map.addImage(name, data, { pixelRatio });
    };
    this.map.on("styleimagemissing", (event) => add(event.id));
    try {
      for (const name of Object.keys(images)) add(name);
    } catch {
      // The style is not ready for images yet: styleimagemissing adds each when it is needed.
    }
  }

  /** The map layers a click can hit, every data layer's clusters and points. */
  hitLayers() {
    return this.layers.flatMap((layer) => layer.hitLayers);
  }

  // --- data ---------------------------------------------------------------------------------------

  /** Every request carries the page's fixed filters, which never show in the address. */
  query() {
    return queryString({ ...this.params, ...(this.config.fixed || {}) });
  }

  /**
   * Ask for the data of `layers` (those the filters apply to get the current filters); a newer
   * request cancels an older one.
   */
  fetchLayers(layers) {
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    const query = this.query();
    const data = Promise.all(layers.map((layer) => layer.fetch(layer.filtered ? query : "", controller.signal)));
    data.catch(() => {}); // a request dropped for a newer one is no error
    return { controller, data, layers };
  }

  /**
   * Load the data of every layer (or of the filtered ones after a change of filters, or of
   * `request`, already under way) and draw it. `fit`: "always" (at once), "results" (animated,
   * closer), "if-none-in-view" or "never".
   */
  async load({ fit }, request = null) {
    if (!request) {
      this.preview?.remove(); // the filters changed: the preview shows the former ones
      this.first?.remove(); // and so does the first screen
      for (const layer of this.layers) if (layer.filtered && !layer.shown) layer.reset();
      request = this.fetchLayers(this.layers.filter((layer) => layer.filtered && layer.shown));
    }
    const { controller } = request;
    this.section.setAttribute("aria-busy", "true");
    try {
      const data = await request.data;
      await this.styleReady;
      if (controller.signal.aborted) return;
      await this.setData(request.layers, data, fit, controller.signal);
    } catch (error) {
      if (error.name === "AbortError" || controller.signal.aborted) return;
      this.setCount(this.listed.text("error"));
    } finally {
      if (this.loading === controller) this.section.removeAttribute("aria-busy");
    }
  }

  async setData(layers, data, fit, signal = null) {
    this.closePopup();
    layers.forEach((layer, i) => layer.index(data[i]));
    // "always" on first load; after a change of filters "results" (the map fits them), or, in a
    // view the reader chose, only when none of what changed is in view.
    const changed = layers.some((layer) => layer.data.length);
    if (fit === "always" || fit === "results" || (fit === "if-none-in-view" && changed && !this.anyInView(layers))) {
      this.fitToData(layers, fit !== "always", fit === "results" ? RESULTS_MAX_ZOOM : FIT_MAX_ZOOM);
    }
    this.renderList();
    // The sites are clustered in their worker, so drawing them never holds up the preview's
    // tiles in MapLibre's; the other layers, clustered by MapLibre, wait for those first.
    if (this.preview && layers.some((layer) => layer.name !== "sites")) {
      await this.preview.settled; // preview.js
      if (signal?.aborted) return; // newer filters came meanwhile
    }
    await Promise.all(layers.map((layer, i) => layer.draw(this.map, data[i])));
    if (signal?.aborted) return;
    if (!this.marked) {
      this.marked = true;
      const detail = { map: this.id, sites: this.sites.length || 0 };
      for (const layer of this.layers) if (layer.name !== "sites") detail[layer.name] = layer.data.length;
      // Marked at the first frame with the layers' clusters or points in it (what a click can
      // hit then), or once the map is idle if none is in view.
      const map = this.map;
      const hits = this.hitLayers().filter((id) => map.getLayer(id));
      const drawn = (event) => {
        if (event.type === "render" && !map.queryRenderedFeatures({ layers: hits }).length) return;
        map.off("render", drawn);
        map.off("idle", drawn);
        performance.mark(MARK, { detail });
        this.preview?.remove(); // the real clusters are drawn
        this.first?.handOff(this, this.firstMoves);
        this.loadDeferred();
      };
      map.on("render", drawn);
      map.on("idle", drawn);
      map.triggerRepaint();
    }
  }

  fitToData(layers, animate, maxZoom = FIT_MAX_ZOOM) {
    const bounds = dataBounds(layers.map((layer) => layer.data));
    if (!bounds) return;
    const [west, south, east, north] = bounds;
    const { clientWidth: width, clientHeight: height } = this.map.getContainer();
    this.map.fitBounds(
      [
        [west, south],
        [east, north],
      ],
      { padding: fitPadding(width, height), maxZoom, animate, duration: 700 },
    );
  }

  // --- the list of what is in view ----------------------------------------------------------------

  /** A test for "is this point of `data` in view", for the map's current bounds. */
  viewTest({ lon, lat }) {
    const bounds = this.map.getBounds();
    const west = bounds.getWest();
    const span = bounds.getEast() - west;
    const south = bounds.getSouth();
    const north = bounds.getNorth();
    if (span >= 360) return (i) => lat[i] >= south && lat[i] <= north;
    return (i) => lat[i] >= south && lat[i] <= north && (((lon[i] - west) % 360) + 360) % 360 <= span;
  }

  anyInView(layers) {
    for (const { data } of layers) {
      const inView = this.viewTest(data);
      for (let i = 0; i < data.length; i++) if (inView(i)) return true;
    }
    return false;
  }

  renderList() {
    const { listed } = this;
    if (!listed || !listed.data.loaded) return;
    const counts = [];
    const shown = [];
    let total = 0;
    for (const layer of this.layers) {
      if (!layer.shown || !layer.data.loaded) continue;
      const inView = this.viewTest(layer.data);
      // A point of the server's clusters (tiled-sites.js) stands for `weight` sites; only
      // sites on their own are listed.
      const { weight } = layer.data;
      let n = 0;
      for (const i of layer.data.order) {
        if (!inView(i)) continue;
        const w = weight ? weight[i] : 1;
        n += w;
        if (layer === listed && w === 1 && shown.length < LIST_LIMIT) shown.push(i);
      }
      if (layer === listed) total = n;
      counts.push(layer.count("in-view", n));
    }
    const items = shown.map((i) => listed.listItem(i));
    const rest = total - items.length; // in view, not listed: "…and N more"
    if (!items.length && !rest) {
      const item = document.createElement("li");
      item.textContent = listed.text(listed.data.length ? "none-in-view" : "none");
      items.push(item);
    }
    this.list.replaceChildren(...items);
    if (this.heading) this.heading.textContent = listed.text("heading");
    this.setCount(counts.join(" · "));

    let more = this.section.querySelector("[data-map-more]");
    if (rest > 0) {
      if (!more) {
        more = paragraph("map-more", "");
        more.dataset.mapMore = "";
        this.list.after(more);
      }
      more.textContent = listed.count("more", rest);
      more.hidden = false;
    } else if (more) {
      more.hidden = true;
    }
  }

  setCount(text) {
    if (this.count && this.count.textContent !== text) this.count.textContent = text;
  }

  bindList() {
    // Pointing at or tabbing to an item in the list rings it on the map.
    const attribute = this.listed.itemAttribute;
    const item = (event) => event.target.closest?.(`li[data-${attribute}]`)?.dataset[attribute] || "";
    this.list.addEventListener("mouseover", (event) => this.highlight(this.listed, item(event)));
    this.list.addEventListener("focusin", (event) => this.highlight(this.listed, item(event)));
    this.list.addEventListener("mouseleave", () => this.highlight(null, ""));
    this.list.addEventListener("focusout", () => this.highlight(null, ""));
  }

  /** Ring one item of one layer (or, with none, the item whose popup is open). */
  highlight(layer, id) {
    if (!id && this.popup) ({ layer, item: id } = this.popup);
    const key = id && layer ? `${layer.name}:${id}` : "";
    if (key === this.highlighted) return;
    this.highlighted = key;
    for (const each of this.layers) {
      this.map.setFilter(each.selected, ["==", ["get", each.idKey], each === layer ? id || "" : ""]);
    }
  }

  // --- clicks and popups --------------------------------------------------------------------------

  onClick(event) {
    const hits = this.map.queryRenderedFeatures(event.point, { layers: this.hitLayers() });
    // The layer drawn on top first: the actions over the sites.
    for (const layer of [...this.layers].reverse()) {
      const cluster = hits.find((feature) => feature.layer.id === layer.clusters);
      if (cluster) {
        this.openCluster(layer, cluster, event.lngLat);
        return;
      }
      for (const id of layer.points) {
        const here = hits.filter((feature) => feature.layer.id === id);
        if (!here.length) continue;
        const where = near(here[0].geometry.coordinates, event.lngLat);
        const ids = new Set(here.map((feature) => feature.properties[layer.idKey]));
        if (ids.size === 1) layer.open(here[0].properties[layer.idKey], where);
        else this.openChoices(layer, dedupe(here, layer.idKey), ids.size, where);
        return;
      }
    }
  }

  async openCluster(layer, feature, clickedAt) {
    const { cluster_id: clusterId, point_count: total } = feature.properties;
    const where = near(feature.geometry.coordinates, clickedAt);
    try {
      const zoom = await layer.expansionZoom(this.map, clusterId);
      if (zoom <= CLUSTER_MAX_ZOOM && zoom <= this.map.getMaxZoom()) {
        // At least one step in, so every click on a cluster visibly zooms: a view chosen.
        this.viewChosen = true;
        this.map.easeTo({ center: where, zoom: Math.min(Math.max(zoom, this.map.getZoom() + 1), CLUSTER_MAX_ZOOM + 1), duration: 500 });
        return;
      }
      // The items share one place and never come apart: list them instead.
      const leaves = await layer.leaves(this.map, clusterId, CHOICES_LIMIT, 0);
      this.openChoices(layer, leaves, total, where);
    } catch {
      // The data changed under the click (new filters): nothing to open.
    }
  }

  openChoices(layer, features, total, where) {
    const items = features
      .map((feature) => layer.choice(feature))
      .sort((a, b) => this.strings.collator.compare(a.name, b.name));
    const popup = choicePopup(items, total, this.strings, (id) => layer.open(id, where), layer.prefix);
    this.showPopup(where, popup, layer, "");
  }

  showPopup(where, content, layer, item) {
    this.closePopup();
    // Never wider than the map less keepInView's margins: on a phone a popup as wide as the map
    // would flip to the other side of its point when panned into view, and out of it again.
    const maxWidth = `min(22rem, calc(100% - ${2 * POPUP_MARGIN}px))`;
    const popup = new Popup({ maxWidth, className: "map-popup-frame", focusAfterOpen: true })
      .setLngLat(where)
      .setDOMContent(content)
      .addTo(this.map);
    popup.layer = layer;
    popup.item = item;
    popup.on("close", () => {
      if (this.popup !== popup) return;
      this.popup = null;
      this.highlight(null, "");
    });
    this.popup = popup;
    this.highlight(layer, item);
    this.keepInView(popup);
    return popup;
  }

  /** Pan the map just enough for the whole popup to show inside it. */
  keepInView(popup) {
    const box = popup.getElement()?.getBoundingClientRect();
    if (!box) return;
    const frame = this.map.getContainer().getBoundingClientRect();
    const margin = POPUP_MARGIN;
    const shift = (start, end, min, max) => {
      if (end - start > max - min - 2 * margin) return start - (min + margin);
      if (start < min + margin) return start - (min + margin);
      if (end > max - margin) return end - (max - margin);
      return 0;
    };
    const dx = shift(box.left, box.right, frame.left, frame.right);
    const dy = shift(box.top, box.bottom, frame.top, frame.bottom);
    if (Math.abs(dx) > 1 || Math.abs(dy) > 1) this.map.panBy([dx, dy], { duration: 300 });
  }

  closePopup() {
    this.details?.abort();
    const popup = this.popup;
    this.popup = null;
    popup?.remove();
  }

  // --- the filter form and the address ---------------------------------------------------------------

  bindForm() {
    const form = this.form;
    form.dataset.live = "";
    form.addEventListener("change", () => this.applyForm());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.applyForm();
    });
    this.clear = form.querySelector("[data-map-clear]");
    this.clear?.addEventListener("click", (event) => {
      event.preventDefault();
      fillForm(form, {}, this.filterKeys);
      this.setParams({});
    });
  }

  applyForm() {
    const shown = formKeys(this.form);
    const kept = Object.fromEntries(Object.entries(this.params).filter(([key]) => !shown.has(key)));
    this.setParams({ ...kept, ...paramsFromForm(this.form, this.filterKeys) }, this.togglesOf(this.form));
  }

  /** Which of the layers the reader turns on are shown now: {actions: true}. */
  shownNow() {
    return Object.fromEntries(this.toggles.map((layer) => [layer.toggle, layer.shown]));
  }

  /** Which of them the form's checkboxes ask for (a layer without a checkbox stays as it is). */
  togglesOf(form) {
    const wanted = this.shownNow();
    for (const layer of this.toggles) {
      const box = form.elements.namedItem(layer.toggle);
      if (box && box.type === "checkbox") wanted[layer.toggle] = box.checked;
    }
    return wanted;
  }

  /** Which of them an address asks for (`?actions=1`). */
  togglesOfSearch(search) {
    const query = new URLSearchParams(search);
    return Object.fromEntries(this.toggles.map((layer) => [layer.toggle, isOn(query.get(layer.toggle))]));
  }

  /** The address's query: the filters, and `<toggle>=1` for each layer the reader turned on. */
  addressQuery() {
    const on = {};
    for (const layer of this.toggles) if (layer.shown) on[layer.toggle] = "1";
    return queryString({ ...this.params, ...on });
  }

  /** New filters and layers shown, from the form: a new entry in the history. */
  setParams(params, wanted = this.shownNow()) {
    if (!this.apply(params, wanted)) return;
    const query = this.addressQuery();
    history.pushState({ map: this.id }, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    document.dispatchEvent(new CustomEvent("unmask:urlchange"));
  }

  /**
   * Take on `params` and show the layers `wanted` says; load again only what the filters
   * change (turning a layer on or off leaves the others, and the sites' preview, alone), and
   * fit the map to the results unless the reader chose the view. False when nothing changed.
   */
  apply(params, wanted, fit = this.viewChosen ? "if-none-in-view" : "results") {
    const refilter = !sameParams(params, this.params);
    const switched = this.toggles.filter((layer) => layer.shown !== Boolean(wanted[layer.toggle]));
    if (!refilter && !switched.length) return false;
    this.params = params;
    if (this.clear) this.clear.hidden = !queryString(params);
    showFilterCount(this.form, params);
    for (const layer of switched) this.showLayer(layer, !layer.shown);
    if (refilter) this.load({ fit });
    return true;
  }

  /** Show or hide a layer the reader turns on and off; its data is loaded the first time. */
  async showLayer(layer, shown) {
    layer.shown = shown;
    this.syncLegend();
    if (!shown && this.popup?.layer === layer) this.closePopup();
    if (shown && !layer.data.loaded) this.loadLayer(layer);
    await this.styleReady;
    if (layer.shown !== shown) return; // turned back meanwhile
    for (const id of layer.styleLayers) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, "visibility", shown ? "visible" : "none");
    }
    this.renderList();
  }

  /** The legend's entries of a layer the reader turns on (data-map-legend="<name>") follow it. */
  syncLegend() {
    for (const layer of this.toggles) {
      for (const item of this.section.querySelectorAll(`[data-map-legend="${layer.name}"]`)) item.hidden = !layer.shown;
    }
  }

  /** The data of one layer, on its own: the sites' requests and their preview go on as they were. */
  async loadLayer(layer) {
    if (layer.loading) return;
    const controller = (layer.loading = new AbortController());
    const query = layer.filtered ? this.query() : "";
    try {
      const data = await layer.fetch(query, controller.signal);
      await this.styleReady;
      if (this.preview) await this.preview.settled; // the preview's tiles first (see setData)
      layer.index(data);
      await layer.draw(this.map, data);
      this.renderList();
    } catch (error) {
      if (error.name !== "AbortError") this.setCount(layer.text("error"));
    } finally {
      if (layer.loading === controller) layer.loading = null;
    }
  }

  bindAddress() {
    window.addEventListener("popstate", () => {
      const view = parseHash(location.hash);
      if (view) this.map.jumpTo(view); // a step of the history: its view, its filters
      const next = paramsFromSearch(location.search, this.filterKeys);
      const wanted = this.togglesOfSearch(location.search);
      if (this.form) {
        fillForm(this.form, next, this.filterKeys);
        for (const layer of this.toggles) {
          const box = this.form.elements.namedItem(layer.toggle);
          if (box && box.type === "checkbox") box.checked = Boolean(wanted[layer.toggle]);
        }
      }
      this.apply(next, wanted, view ? "never" : "if-none-in-view");
    });
    window.addEventListener("hashchange", () => {
      const view = parseHash(location.hash);
      if (view && location.hash !== formatHash(this.map)) {
        this.viewChosen = true;
        this.map.jumpTo(view);
      }
    });
  }

  writeHash() {
    const hash = formatHash(this.map);
    if (location.hash === hash) return;
    history.replaceState(history.state, "", `${location.pathname}${location.search}${hash}`);
    document.dispatchEvent(new CustomEvent("unmask:urlchange"));
  }
}

// --- helpers ------------------------------------------------------------------------------------------

const isOn = (value) => ["1", "true", "on", "yes"].includes(String(value || "").trim().toLowerCase());

function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

/** The feature's point on the world copy the user clicked on. */
function near([lon, lat], clickedAt) {
  let x = lon;
  while (clickedAt.lng - x > 180) x += 360;
  while (x - clickedAt.lng > 180) x -= 360;
  return [x, lat];
}

function dedupe(features, key) {
  const seen = new Set();
  return features.filter((feature) => !seen.has(feature.properties[key]) && seen.add(feature.properties[key]));
}
