// The data layers a map component can draw: the record's sites and the campaign's actions.
// Each is one clustered GeoJSON source; the component (component.js) loads them, lists what is
// in view of one of them, and opens their popups. A page chooses its layers in its config:
//
//   layers: {
//     sites:   { url, filtered, siteUrl, profileUrl, labels }   (maps/options.py)
//     actions: { url, filtered, actionUrl }                       (campaign/geo.py)
//   }
//   list: "sites" | "actions"   the layer listed beside the map (default: the first)
//
// `filtered` layers get the page's filters (its form, its address or fixed ones) in their
// requests; the others are loaded as they are (the sites a call targets). A config without
// `layers` (older pages) is one sites layer from its flat keys (sitesUrl, siteUrl...).
// A layer with a `toggle` (the record's map offers the actions so: maps/options.py) is drawn
// only while the reader asks for it: the form's checkbox of that name, `?<toggle>=1` in the
// address; `shown` says whether it is at first. Its data is loaded when it is first shown.
import { fetchJSON, isMirror } from "../offline-data.js";
import { actionPopup, formatStart, messagePopup, sitePopup } from "./popup.js";
import { openSites } from "./sites-source.js";
import { TiledSites, viewColumns } from "./tiled-sites.js";
import { ACTIONS, ACTION_LAYERS, LAYERS, SITES, SITE_LAYERS } from "./style.js";

const EMPTY = () => ({ length: 0, loaded: false, lon: [], lat: [], order: [] });

export const fill = (template, id) => template.replace("__ID__", encodeURIComponent(id));

export function layersFromConfig(config, component) {
  const settings = config.layers || {
    sites: {
      url: config.sitesUrl,
      filtered: true,
      siteUrl: config.siteUrl,
      profileUrl: config.profileUrl,
      labels: config.labels,
    },
  };
  const layers = [];
  // Drawn in this order: the sites under the actions.
  if (settings.sites) layers.push(new SitesLayer(settings.sites, component));
  if (settings.actions) layers.push(new ActionsLayer(settings.actions, component));
  return layers;
}

class Layer {
  constructor(settings, component) {
    this.settings = settings;
    this.component = component;
    this.data = EMPTY();
    this.shown = !this.toggle || Boolean(settings.shown);
  }

  get filtered() {
    return this.settings.filtered !== false;
  }

  /** The address's key (and the form's checkbox) that shows this layer; none: always shown. */
  get toggle() {
    return this.settings.toggle || "";
  }

  /** Forget the data (filters changed while the layer was hidden): loaded again when shown. */
  reset() {
    this.data = EMPTY();
  }

  /** The layer's data with these filters (a query string): its GeoJSON. */
  fetch(query, signal) {
    const url = this.settings.url + (query ? `?${query}` : "");
    return fetchJSON(url, { signal, headers: { Accept: "application/geo+json" } });
  }

  /** Draw the data `index` took: MapLibre's source clusters it. */
  draw(map, data) {
    return map.getSource(this.source).setData(data);
  }

  /** A cluster's zoom to come apart at, and its items. */
  expansionZoom(map, clusterId) {
    return map.getSource(this.source).getClusterExpansionZoom(clusterId);
  }

  leaves(map, clusterId, limit, offset) {
    return map.getSource(this.source).getClusterLeaves(clusterId, limit, offset);
  }

  /** The view moved: nothing to do when MapLibre clusters the data. */
  update() {}

  /** What the click can hit on this layer: its clusters, then its points, most precise first. */
  get hitLayers() {
    return [this.clusters, ...this.points];
  }

  text(key) {
    return this.component.strings.text(this.prefix + key);
  }

  count(key, n) {
    return this.component.strings.count(this.prefix + key, n);
  }
}

// --- the record's sites ------------------------------------------------------------------------------

export class SitesLayer extends Layer {
  name = SITES;
  source = SITES;
  prefix = "";
  idKey = "k"; // the site's index in the columns (sites-data.js), its public id asked for; or
  // with the server's clusters (tiled-sites.js), its public id
  itemAttribute = "site";
  clusters = LAYERS.clusters;
  points = SITE_LAYERS;
  selected = LAYERS.selected;
  styleLayers = Object.values(LAYERS);

  /**
   * The sites with these filters, read and clustered off the page (sites-source.js): the record's
   * compact payload (maps/compact.py) on the site, the GeoJSON in the mirror and on maps of other
   * sites (a call's targets). Answers the columns the list and the fit use.
   */
  async fetch(query, signal) {
    const mirror = isMirror();
    const compact = this.settings.compactUrl && !mirror;
    const address = (base) => new URL(base + (query ? `?${query}` : ""), document.baseURI).href;
    const url = address(compact ? this.settings.compactUrl : this.settings.url);
    const idsUrl = compact ? address(this.settings.idsUrl) : "";
    const lang = this.component.strings.lang;
    if (this.settings.tilesUrl && !mirror) {
      // Too many sites to load (maps/tiles.py): the server's clusters, asked for as the view
      // moves; the first screen's, if it asked already.
      const early = this.component.first?.takeSites(address(this.settings.tilesUrl), "");
      const sites = (this.current = early?.sites || new TiledSites(this.settings, query, this.component.strings.collator));
      signal.addEventListener("abort", () => sites.close(), { once: true });
      return early ? early.loaded : sites.ask("load");
    }
    const open = (workerUrl) => {
      const sites = (this.current = openSites(workerUrl));
      signal.addEventListener("abort", () => sites.close(), { once: true });
      return sites;
    };
    if (mirror) {
      const geojson = await fetchJSON(url, { signal, headers: { Accept: "application/geo+json" } });
      return open("").ask("load", { geojson, lang });
    }
    // The first screen (first-screen.js) started the same load before MapLibre came: taken over.
    const early = this.component.first?.takeSites(url, idsUrl);
    const sites = early ? (this.current = early.sites) : open(this.settings.workerUrl);
    if (early) signal.addEventListener("abort", () => sites.close(), { once: true });
    try {
      return await (early ? early.loaded : sites.ask("load", { url, idsUrl, lang }));
    } catch (error) {
      if (!sites.broken || signal.aborted) throw error;
      // The worker could not start (a policy, an old browser): the page does the work.
      return open("").ask("load", { url, idsUrl, lang });
    }
  }

  index(data) {
    this.data = { ...data, loaded: true };
    this.drawn = this.current;
    // When the sites were fetched, read and clustered, as marks of the page (the benchmark's).
    for (const [step, at] of Object.entries(data.timing || {})) {
      performance.mark(`unmask:sites-${step}`, { startTime: at - performance.timeOrigin, detail: { sites: data.length } });
    }
  }

  draw(map) {
    return this.update(map);
  }

  /**
   * Hand the map the clusters of what is in view and around it (half a view on each side), at
   * the zoom in view, whenever the view leaves what it was handed: a few hundred points where
   * MapLibre was once handed every site.
   */
  update(map) {
    const sites = this.drawn;
    if (!sites) return Promise.resolve();
    const zoom = Math.max(0, Math.floor(map.getZoom()));
    const bounds = map.getBounds();
    const [west, south, east, north] = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
    const had = this.covered;
    if (had && had.sites === sites && had.zoom === zoom && !had.incomplete) {
      const [w, s, e, n] = had.box;
      if (west >= w && south >= s && east <= e && north <= n) return had.done;
    }
    const dx = (east - west) / 2;
    const dy = (north - south) / 2;
    const box = [west - dx, Math.max(-90, south - dy), east + dx, Math.min(90, north + dy)];
    const covered = { sites, zoom, box };
    this.covered = covered;
    // data-clustering on the section while the view's clusters are on their way (the tests
    // wait for it to go, as they wait for MapLibre to be idle).
    const section = this.component.section;
    section.dataset.clustering = "";
    covered.done = sites
      .ask("clusters", box, zoom)
      .then((features) => {
        if (this.covered !== covered) return undefined; // a newer view asked meanwhile
        if (sites.tiled) {
          // What the list counts and names: the server's clusters and sites around the view.
          this.data = { ...viewColumns(features, this.component.strings.collator), total: this.data.total, loaded: true };
          this.component.renderList();
          covered.incomplete = sites.incomplete; // a tile failed: asked again at the next move
          if (sites.incomplete) this.component.setCount(this.text("error"));
        }
        return map.getSource(this.source).setData({ type: "FeatureCollection", features });
      })
      .catch(() => {}) // closed for newer filters: their sites are drawn instead
      .finally(() => {
        if (this.covered === covered) delete section.dataset.clustering;
      });
    return covered.done;
  }

  expansionZoom(_map, clusterId) {
    return this.drawn.ask("expansionZoom", clusterId);
  }

  leaves(_map, clusterId, limit, offset) {
    return this.drawn.ask("leaves", clusterId, limit, offset);
  }

  listItem(i) {
    const sites = this.data;
    const { roles = {}, precisions = {} } = this.settings.labels || {};
    // The server's sites (tiled-sites.js) carry what the list needs; the columns index it.
    const site = sites.props?.[i];
    const [orgId, name] = site ? [site.org, site.name] : sites.orgs[sites.org[i]];
    const link = document.createElement("a");
    link.href = fill(this.settings.profileUrl, orgId);
    link.textContent = name;
    const meta = document.createElement("span");
    meta.className = "meta";
    const role = site ? site.r : sites.roles[sites.role[i]];
    const precision = site ? site.p : sites.precisions[sites.precision[i]];
    meta.textContent = [roles[role], precisions[precision]].filter(Boolean).join(" · ");
    const item = document.createElement("li");
    item.dataset.site = site ? site.k : String(i);
    item.append(link, " ", meta);
    return item;
  }

  choice({ properties: p }) {
    const { roles = {}, precisions = {} } = this.settings.labels || {};
    return {
      id: p.k,
      name: p.name ?? (this.data.orgs?.[p.o]?.[1] || ""),
      meta: [roles[p.r], precisions[p.p]].filter(Boolean).join(" · "),
    };
  }

  /** The site's details come from /map/sites/<id>.json, with the page's filters if they apply. */
  async open(key, where) {
    const component = this.component;
    const { strings } = component;
    const popup = component.showPopup(where, messagePopup(strings.text("details-loading")), this, key);
    component.details?.abort();
    const controller = (component.details = new AbortController());
    const query = this.filtered ? component.query() : "";
    try {
      const id = await this.drawn.ask("id", key);
      if (controller.signal.aborted) return;
      const data = await fetchJSON(
        fill(this.settings.siteUrl, id) + (query ? `?${query}` : ""),
        { signal: controller.signal, headers: { Accept: "application/json" } },
        { exact: false },
      );
      if (component.popup === popup) {
        popup.setDOMContent(sitePopup(data, strings));
        component.keepInView(popup);
      }
    } catch (error) {
      if (error.name !== "AbortError" && component.popup === popup) {
        popup.setDOMContent(messagePopup(strings.text("details-error")));
      }
      // The ids were of a newer record than the sites drawn: load both again.
      if (error.message === "stale") component.load({ fit: "never" });
    }
  }
}

// --- the campaign's actions --------------------------------------------------------------------------

export class ActionsLayer extends Layer {
  name = ACTIONS;
  source = ACTIONS;
  prefix = "actions-";
  idKey = "id";
  itemAttribute = "action";
  clusters = ACTION_LAYERS.clusters;
  points = [ACTION_LAYERS.points];
  selected = ACTION_LAYERS.selected;
  styleLayers = Object.values(ACTION_LAYERS);

  /** Kept in the server's order: soonest first. Everything a popup shows is in the data. */
  index(data) {
    const features = data.features || [];
    const length = features.length;
    const actions = {
      length,
      loaded: true,
      lon: new Float64Array(length),
      lat: new Float64Array(length),
      properties: new Array(length),
      order: Array.from({ length }, (_, i) => i),
      byId: new Map(),
    };
    features.forEach((feature, i) => {
      const [lon, lat] = feature.geometry.coordinates;
      actions.lon[i] = lon;
      actions.lat[i] = lat;
      actions.properties[i] = feature.properties;
      actions.byId.set(feature.properties.id, feature.properties);
    });
    this.data = actions;
  }

  when(p) {
    return formatStart(p.start, p.zone, this.component.strings.lang);
  }

  listItem(i) {
    const p = this.data.properties[i];
    const item = document.createElement("li");
    item.dataset.action = p.id;
    const link = document.createElement("a");
    link.href = fill(this.settings.actionUrl, p.id);
    link.textContent = p.title;
    item.append(link);
    if (p.cancelled) {
      item.className = "cancelled";
      const badge = document.createElement("strong");
      badge.className = "action-cancelled";
      badge.textContent = this.text("cancelled");
      item.append(" ", badge);
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    const time = document.createElement("time");
    time.dateTime = p.start;
    time.textContent = this.when(p);
    meta.append(time, ...[p.kind, p.city].filter(Boolean).map((part) => ` · ${part}`));
    item.append(" ", meta);
    return item;
  }

  choice({ properties: p }) {
    const cancelled = p.cancelled === true || p.cancelled === "true";
    return {
      id: p.id,
      name: p.title,
      meta: [cancelled ? this.text("cancelled") : "", this.when(p), p.city].filter(Boolean).join(" · "),
    };
  }

  open(id, where) {
    const p = this.data.byId?.get(id);
    if (!p) return;
    const url = fill(this.settings.actionUrl, p.id);
    this.component.showPopup(where, actionPopup(p, url, this.when(p), this.text("cancelled")), this, id);
  }
}
