// One map component (section[data-map]): the MapLibre map, its data, the list of the sites in
// view, the popups, and on the map page the filter form and the address.
import { AttributionControl, Map as MapLibreMap, NavigationControl, Popup, addProtocol } from "maplibre-gl";
import { Protocol } from "pmtiles";

import { choicePopup, messagePopup, sitePopup } from "./popup.js";
import { readStrings } from "./strings.js";
import {
  fillForm,
  formKeys,
  formatHash,
  paramsFromForm,
  paramsFromSearch,
  parseHash,
  queryString,
  sameParams,
} from "./state.js";
import { CLUSTER_MAX_ZOOM, LAYERS, SITE_LAYERS, SITES, buildStyle, colourPaint, readColours } from "./style.js";

const LIST_LIMIT = 100; // sites listed under the map, as the server lists without JavaScript
const CHOICES_LIMIT = 50; // sites listed in the popup of a place that holds several
const MARK = "unmask:clusters-drawn";
const WORLD = { center: [15, 30], zoom: 1 };

let pmtilesReady = false;
function usePmtiles() {
  if (!pmtilesReady) {
    addProtocol("pmtiles", new Protocol().tile);
    pmtilesReady = true;
  }
}

const fill = (template, id) => template.replace("__ID__", encodeURIComponent(id));

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
    // The map page and the embed keep their filters and position in the address; a map on a
    // record page leaves the page's address alone.
    this.inAddress = Boolean(this.form) || document.documentElement.classList.contains("embed");
    this.params = { ...(this.config.params || {}) };
    this.sites = emptySites();
    this.popup = null;
    this.marked = false;
    this.map = null;

    const view = this.inAddress ? parseHash(location.hash) : null;
    const first = this.fetchSites(); // under way while MapLibre starts
    try {
      this.createMap(view);
    } catch {
      // No WebGL (or a browser too old): the list and the form keep working without the map.
      this.loading.abort();
      this.canvas.replaceChildren(paragraph("map-nojs", this.strings.text("no-map")));
      return;
    }
    if (this.form) this.bindForm();
    if (this.inAddress) this.bindAddress();
    this.bindList();
    this.load({ fit: view ? "never" : "always" }, first);
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
    const map = new MapLibreMap({
      container: this.canvas,
      style: buildStyle({ config: this.config, colours: readColours(this.section), lang: this.strings.lang, pmtiles }),
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
    // The sites can go in as soon as the style is parsed, while the basemap still loads.
    this.styleReady = new Promise((resolve) => {
      if (map.isStyleLoaded()) resolve();
      else map.once("style.load", () => resolve());
    });

    map.on("moveend", () => {
      this.renderList();
      if (this.inAddress) this.writeHash();
    });
    map.on("click", (event) => this.onClick(event));
    // Escape closes a popup and gives the keyboard back to the map.
    this.canvas.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.popup) return;
      this.closePopup();
      map.getCanvas().focus();
    });
    for (const layer of [LAYERS.clusters, ...SITE_LAYERS]) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    dark.addEventListener("change", () => this.applyColours());
  }

  applyColours() {
    const paint = colourPaint(readColours(this.section));
    for (const [layer, properties] of Object.entries(paint)) {
      if (!this.map.getLayer(layer)) continue;
      for (const [name, value] of Object.entries(properties)) this.map.setPaintProperty(layer, name, value);
    }
  }

  // --- data ---------------------------------------------------------------------------------------

  /** Every request carries the page's fixed filters, which never show in the address. */
  query() {
    return queryString({ ...this.params, ...(this.config.fixed || {}) });
  }

  /** Ask for the sites for the current filters; a newer request cancels an older one. */
  fetchSites() {
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    const query = this.query();
    const url = this.config.sitesUrl + (query ? `?${query}` : "");
    const data = fetch(url, { signal: controller.signal, headers: { Accept: "application/geo+json" } }).then(
      (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      },
    );
    data.catch(() => {}); // a request dropped for a newer one is no error
    return { controller, data };
  }

  /**
   * Load the sites for the current filters (or those of `request`, already under way) and draw
   * them. `fit`: "always", "if-none-in-view" or "never".
   */
  async load({ fit }, request = this.fetchSites()) {
    const { controller } = request;
    this.section.setAttribute("aria-busy", "true");
    try {
      const data = await request.data;
      await this.styleReady;
      if (controller.signal.aborted) return;
      await this.setData(data, fit);
    } catch (error) {
      if (error.name === "AbortError" || controller.signal.aborted) return;
      this.setCount(this.strings.text("error"));
    } finally {
      if (this.loading === controller) this.section.removeAttribute("aria-busy");
    }
  }

  async setData(data, fit) {
    this.closePopup();
    this.sites = indexSites(data, this.strings.collator);
    const source = this.map.getSource(SITES);
    const update = source.setData(data);
    // "always" on first load; after a change of filters, only when none of the sites is in view.
    if (fit === "always" || (fit === "if-none-in-view" && this.sites.length && !this.anyInView())) {
      this.fitToData(fit !== "always");
    }
    this.renderList();
    await update;
    if (!this.marked) {
      this.marked = true;
      this.map.once("idle", () => performance.mark(MARK, { detail: { map: this.id, sites: this.sites.length } }));
      this.map.triggerRepaint();
    }
  }

  fitToData(animate) {
    const { lon, lat, length } = this.sites;
    if (!length) return;
    let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < length; i++) {
      west = Math.min(west, lon[i]);
      east = Math.max(east, lon[i]);
      south = Math.min(south, lat[i]);
      north = Math.max(north, lat[i]);
    }
    const { clientWidth: width, clientHeight: height } = this.map.getContainer();
    const padding = Math.max(0, Math.min(48, width / 5, height / 5));
    this.map.fitBounds(
      [
        [west, south],
        [east, north],
      ],
      { padding, maxZoom: 7, animate, duration: 700 },
    );
  }

  // --- the list of what is in view ----------------------------------------------------------------

  /** A test for "is this site in view", for the map's current bounds. */
  viewTest() {
    const bounds = this.map.getBounds();
    const west = bounds.getWest();
    const span = bounds.getEast() - west;
    const south = bounds.getSouth();
    const north = bounds.getNorth();
    const { lon, lat } = this.sites;
    if (span >= 360) return (i) => lat[i] >= south && lat[i] <= north;
    return (i) => lat[i] >= south && lat[i] <= north && (((lon[i] - west) % 360) + 360) % 360 <= span;
  }

  anyInView() {
    const inView = this.viewTest();
    for (let i = 0; i < this.sites.length; i++) if (inView(i)) return true;
    return false;
  }

  renderList() {
    const { sites, strings } = this;
    if (!sites.loaded) return;
    const inView = this.viewTest();
    const shown = [];
    let total = 0;
    for (const i of sites.order) {
      if (!inView(i)) continue;
      total += 1;
      if (shown.length < LIST_LIMIT) shown.push(i);
    }
    const { roles = {}, precisions = {} } = this.config.labels || {};
    const items = shown.map((i) => {
      const [orgId, name] = sites.orgs[sites.org[i]];
      const link = document.createElement("a");
      link.href = fill(this.config.profileUrl, orgId);
      link.textContent = name;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = [roles[sites.role[i]], precisions[sites.precision[i]]].filter(Boolean).join(" · ");
      const item = document.createElement("li");
      item.dataset.site = sites.id[i];
      item.append(link, " ", meta);
      return item;
    });
    if (!items.length) {
      const item = document.createElement("li");
      item.textContent = strings.text(sites.length ? "none-in-view" : "none");
      items.push(item);
    }
    this.list.replaceChildren(...items);
    if (this.heading) this.heading.textContent = strings.text("heading");
    this.setCount(strings.count("in-view", total));

    let more = this.section.querySelector("[data-map-more]");
    if (total > LIST_LIMIT) {
      if (!more) {
        more = paragraph("map-more", "");
        more.dataset.mapMore = "";
        this.list.after(more);
      }
      more.textContent = strings.count("more", total - LIST_LIMIT);
      more.hidden = false;
    } else if (more) {
      more.hidden = true;
    }
  }

  setCount(text) {
    if (this.count && this.count.textContent !== text) this.count.textContent = text;
  }

  bindList() {
    // Pointing at or tabbing to a site in the list rings it on the map.
    const site = (event) => event.target.closest?.("li[data-site]")?.dataset.site || "";
    this.list.addEventListener("mouseover", (event) => this.highlight(site(event)));
    this.list.addEventListener("focusin", (event) => this.highlight(site(event)));
    this.list.addEventListener("mouseleave", () => this.highlight(""));
    this.list.addEventListener("focusout", () => this.highlight(""));
  }

  highlight(id) {
    const selected = id || this.popup?.site || "";
    if (selected === this.highlighted) return;
    this.highlighted = selected;
    this.map.setFilter(LAYERS.selected, ["==", ["get", "s"], selected]);
  }

  // --- clicks and popups --------------------------------------------------------------------------

  onClick(event) {
    const hits = this.map.queryRenderedFeatures(event.point, { layers: [LAYERS.clusters, ...SITE_LAYERS] });
    const cluster = hits.find((feature) => feature.layer.id === LAYERS.clusters);
    if (cluster) {
      this.openCluster(cluster, event.lngLat);
      return;
    }
    for (const layer of SITE_LAYERS) {
      const here = hits.filter((feature) => feature.layer.id === layer);
      if (!here.length) continue;
      const where = near(here[0].geometry.coordinates, event.lngLat);
      const ids = new Set(here.map((feature) => feature.properties.s));
      if (ids.size === 1) this.openSite(here[0].properties.s, where);
      else this.openChoices(dedupe(here), ids.size, where);
      return;
    }
  }

  async openCluster(feature, clickedAt) {
    const source = this.map.getSource(SITES);
    const { cluster_id: clusterId, point_count: total } = feature.properties;
    const where = near(feature.geometry.coordinates, clickedAt);
    try {
      const zoom = await source.getClusterExpansionZoom(clusterId);
      if (zoom <= CLUSTER_MAX_ZOOM && zoom <= this.map.getMaxZoom()) {
        // At least one step in, so every click on a cluster visibly zooms.
        this.map.easeTo({ center: where, zoom: Math.min(Math.max(zoom, this.map.getZoom() + 1), CLUSTER_MAX_ZOOM + 1), duration: 500 });
        return;
      }
      // The sites share one place and never come apart: list them instead.
      const leaves = await source.getClusterLeaves(clusterId, CHOICES_LIMIT, 0);
      this.openChoices(leaves, total, where);
    } catch {
      // The data changed under the click (new filters): nothing to open.
    }
  }

  openChoices(features, total, where) {
    const { roles = {}, precisions = {} } = this.config.labels || {};
    const sites = features
      .map(({ properties: p }) => ({
        id: p.s,
        name: this.sites.orgs[p.o]?.[1] || "",
        meta: [roles[p.r], precisions[p.p]].filter(Boolean).join(" · "),
      }))
      .sort((a, b) => this.strings.collator.compare(a.name, b.name));
    this.showPopup(where, choicePopup(sites, total, this.strings, (id) => this.openSite(id, where)), "");
  }

  async openSite(id, where) {
    const popup = this.showPopup(where, messagePopup(this.strings.text("details-loading")), id);
    this.details?.abort();
    const controller = (this.details = new AbortController());
    const query = this.query();
    try {
      const response = await fetch(fill(this.config.siteUrl, id) + (query ? `?${query}` : ""), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      if (this.popup === popup) {
        popup.setDOMContent(sitePopup(data, this.strings));
        this.keepInView(popup);
      }
    } catch (error) {
      if (error.name !== "AbortError" && this.popup === popup) {
        popup.setDOMContent(messagePopup(this.strings.text("details-error")));
      }
    }
  }

  showPopup(where, content, site) {
    this.closePopup();
    const popup = new Popup({ maxWidth: "22rem", className: "map-popup-frame", focusAfterOpen: true })
      .setLngLat(where)
      .setDOMContent(content)
      .addTo(this.map);
    popup.site = site;
    popup.on("close", () => {
      if (this.popup !== popup) return;
      this.popup = null;
      this.highlight("");
    });
    this.popup = popup;
    this.highlight(site);
    this.keepInView(popup);
    return popup;
  }

  /** Pan the map just enough for the whole popup to show inside it. */
  keepInView(popup) {
    const box = popup.getElement()?.getBoundingClientRect();
    if (!box) return;
    const frame = this.map.getContainer().getBoundingClientRect();
    const margin = 12;
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
      fillForm(form, {});
      this.setParams({});
    });
  }

  applyForm() {
    const shown = formKeys(this.form);
    const kept = Object.fromEntries(Object.entries(this.params).filter(([key]) => !shown.has(key)));
    this.setParams({ ...kept, ...paramsFromForm(this.form) });
  }

  setParams(params) {
    if (sameParams(params, this.params)) return;
    this.params = params;
    const query = queryString(params);
    history.pushState({ map: this.id }, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    document.dispatchEvent(new CustomEvent("unmask:urlchange"));
    if (this.clear) this.clear.hidden = !query;
    this.load({ fit: "if-none-in-view" });
  }

  bindAddress() {
    window.addEventListener("popstate", () => {
      const view = parseHash(location.hash);
      if (view) this.map.jumpTo(view);
      const next = paramsFromSearch(location.search);
      if (sameParams(next, this.params)) return;
      this.params = next;
      if (this.form) fillForm(this.form, next);
      if (this.clear) this.clear.hidden = !queryString(next);
      this.load({ fit: view ? "never" : "if-none-in-view" });
    });
    window.addEventListener("hashchange", () => {
      const view = parseHash(location.hash);
      if (view && location.hash !== formatHash(this.map)) this.map.jumpTo(view);
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

function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

function emptySites() {
  return { length: 0, loaded: false, lon: [], lat: [], org: [], id: [], role: [], precision: [], orgs: [], order: [] };
}

/**
 * The sites as flat arrays, for the list: fast to scan at every move of the map, and ordered
 * once by organization name (the order the server lists them in).
 */
function indexSites(data, collator) {
  const features = data.features || [];
  const orgs = data.organizations || [];
  const length = features.length;
  const sites = {
    length,
    loaded: true,
    orgs,
    lon: new Float64Array(length),
    lat: new Float64Array(length),
    org: new Int32Array(length),
    id: new Array(length),
    role: new Array(length),
    precision: new Array(length),
  };
  features.forEach((feature, i) => {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    sites.lon[i] = lon;
    sites.lat[i] = lat;
    sites.org[i] = p.o;
    sites.id[i] = p.s;
    sites.role[i] = p.r;
    sites.precision[i] = p.p;
  });
  // Organizations by name, then their sites in that order (a counting sort: linear in sites).
  const byName = orgs.map((_, i) => i).sort((a, b) => collator.compare(orgs[a][1], orgs[b][1]));
  const rank = new Int32Array(orgs.length);
  byName.forEach((org, r) => (rank[org] = r));
  const starts = new Int32Array(orgs.length + 1);
  for (let i = 0; i < length; i++) starts[rank[sites.org[i]] + 1] += 1;
  for (let r = 0; r < orgs.length; r++) starts[r + 1] += starts[r];
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) order[starts[rank[sites.org[i]]]++] = i;
  sites.order = order;
  return sites;
}

/** The feature's point on the world copy the user clicked on. */
function near([lon, lat], clickedAt) {
  let x = lon;
  while (clickedAt.lng - x > 180) x += 360;
  while (x - clickedAt.lng > 180) x -= 360;
  return [x, lat];
}

function dedupe(features) {
  const seen = new Set();
  return features.filter((feature) => !seen.has(feature.properties.s) && seen.add(feature.properties.s));
}
