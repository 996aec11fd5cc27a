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
import { fetchJSON } from "../offline-data.js";
import { actionPopup, formatStart, messagePopup, sitePopup } from "./popup.js";
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
  idKey = "s";
  itemAttribute = "site";
  clusters = LAYERS.clusters;
  points = SITE_LAYERS;
  selected = LAYERS.selected;
  styleLayers = Object.values(LAYERS);

  index(data) {
    this.data = indexSites(data, this.component.strings.collator);
  }

  listItem(i) {
    const sites = this.data;
    const { roles = {}, precisions = {} } = this.settings.labels || {};
    const [orgId, name] = sites.orgs[sites.org[i]];
    const link = document.createElement("a");
    link.href = fill(this.settings.profileUrl, orgId);
    link.textContent = name;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = [roles[sites.role[i]], precisions[sites.precision[i]]].filter(Boolean).join(" · ");
    const item = document.createElement("li");
    item.dataset.site = sites.id[i];
    item.append(link, " ", meta);
    return item;
  }

  choice({ properties: p }) {
    const { roles = {}, precisions = {} } = this.settings.labels || {};
    return {
      id: p.s,
      name: this.data.orgs?.[p.o]?.[1] || "",
      meta: [roles[p.r], precisions[p.p]].filter(Boolean).join(" · "),
    };
  }

  /** The site's details come from /map/sites/<id>.json, with the page's filters if they apply. */
  async open(id, where) {
    const component = this.component;
    const { strings } = component;
    const popup = component.showPopup(where, messagePopup(strings.text("details-loading")), this, id);
    component.details?.abort();
    const controller = (component.details = new AbortController());
    const query = this.filtered ? component.query() : "";
    try {
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
    }
  }
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
  if (!length) return { ...emptySites(), loaded: true, orgs };
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
