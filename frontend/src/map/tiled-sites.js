// The record's sites when there are too many to load (past MAP_TILED_FROM, maps/tiles.py): the
// server's clusters, asked for as the view moves. It answers what the sites' worker answers
// (sites-data.js: load, clusters, expansionZoom, leaves, id), so the sites layer draws either
// the same way; it runs on the page, as there is nothing heavy left to do.
//
// Up to the preview's zoom (maps/preview.py, 5) the clusters are the preview's cells, which the
// page has already; beyond, a tile holds the clusters of one zoom over a block of the world
// (maps/tiles.py), fetched once and kept for the page's life (a few hundred at most). A site on
// its own carries its public id as its key (`k`), its precision and role, and its
// organization's public id and name: the list and the popups need nothing more.
import { fetchJSON } from "../offline-data.js";
import { mercX, mercY } from "./view.js";

const KEPT_TILES = 400; // the oldest are forgotten past this (a long session's wandering)
const MAX_BLOCKS = 64; // tiles asked for one view at most: a view far wider than the screen
const ZOOM_BITS = 5; // zooms 0-31

/** "12.3k" as supercluster abbreviates a count (MapLibre's clusters carried it). */
function abbreviated(count) {
  if (count >= 10000) return `${Math.round(count / 1000)}k`;
  if (count >= 1000) return `${Math.round(count / 100) / 10}k`;
  return String(count);
}

function clusterFeature(lon, lat, count, id) {
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: [lon, lat] },
    properties: { cluster: true, cluster_id: id, point_count: count, point_count_abbreviated: abbreviated(count) },
  };
}

function siteFeature(lon, lat, properties) {
  return { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties };
}

/**
 * The columns the component lists, counts and fits by (component.js), of the clusters and sites
 * drawn: a point each, `weight` sites at it, and for a site on its own its properties (`props`);
 * `order` lists the sites on their own first, by their organization's name.
 */
export function viewColumns(features, collator) {
  const length = features.length;
  const lon = new Float64Array(length);
  const lat = new Float64Array(length);
  const weight = new Uint32Array(length);
  const props = new Array(length);
  features.forEach((feature, i) => {
    [lon[i], lat[i]] = feature.geometry.coordinates;
    weight[i] = feature.properties.point_count || 1;
    props[i] = feature.properties;
  });
  const order = Array.from({ length }, (_, i) => i);
  const single = (i) => (weight[i] === 1 ? 0 : 1);
  order.sort((a, b) => single(a) - single(b) || collator.compare(props[a].name || "", props[b].name || ""));
  return { length, lon, lat, weight, props, order };
}

export class TiledSites {
  /** `settings`: the sites layer's (tilesUrl, tilesFrom, tilesBlockShift, previewUrl); `query`: the filters. */
  constructor(settings, query, collator) {
    this.settings = settings;
    this.collator = collator;
    this.query = query ? `?${query}` : "";
    this.controller = new AbortController();
    this.tiles = new Map(); // "z/x/y" -> a promise of its features
    this.levels = new Map(); // the preview's cells as features, by zoom
    this.nextId = 1;
    this.tiled = true;
  }

  async ask(method, ...args) {
    if (this.closed) throw new DOMException("replaced by a newer load", "AbortError");
    return this[method](...args);
  }

  close() {
    this.closed = true;
    this.controller.abort();
  }

  /** The preview's cells, kept by zoom. */
  async load() {
    const started = performance.timeOrigin + performance.now();
    const url = new URL(this.settings.previewUrl + this.query, document.baseURI).href;
    const preview = await fetchJSON(url, { signal: this.controller.signal, headers: { Accept: "application/geo+json" } });
    // Drawn as the tiles are: a cell of several sites as a cluster, a cell of one as its site.
    for (const feature of preview.features || []) {
      const { n, z, ...site } = feature.properties;
      const [lon, lat] = feature.geometry.coordinates;
      if (!this.levels.has(z)) this.levels.set(z, []);
      this.levels.get(z).push(n === 1 && site.k ? siteFeature(lon, lat, site) : this.cluster(lon, lat, n, z));
    }
    this.previewZoom = preview.maxZoom ?? this.settings.tilesFrom - 1;
    // The finest of the preview's cells: what the first fit reads and the list first counts.
    const columns = viewColumns(this.previewLevel(this.previewZoom, [-180, -90, 180, 90]), this.collator);
    const fetched = performance.timeOrigin + performance.now();
    return { ...columns, total: preview.sites || 0, timing: { started, fetched } };
  }

  /** The clusters and sites of `bbox` ([west, south, east, north], degrees) at `zoom`. */
  async clusters(bbox, zoom) {
    this.incomplete = false;
    if (zoom < this.settings.tilesFrom) return this.previewLevel(Math.min(zoom, this.previewZoom), bbox);
    const keys = this.blocks(bbox, zoom);
    // A tile that could not be had leaves its part of the map empty, and says so (`incomplete`:
    // the sites layer shows its error); it is asked for again when the view next needs it.
    const parts = await Promise.all(
      keys.map((key) =>
        this.tile(key).catch((error) => {
          if (error.name === "AbortError") throw error;
          return null;
        }),
      ),
    );
    this.incomplete = parts.includes(null);
    return parts.filter(Boolean).flat();
  }

  previewLevel(zoom, bbox) {
    return (this.levels.get(zoom) || []).filter(({ geometry: { coordinates: [lon, lat] } }) => inBox(lon, lat, bbox));
  }

  /** A cluster's id tells its zoom (the last ZOOM_BITS bits): nothing is kept per cluster. */
  cluster(lon, lat, count, zoom) {
    const id = this.nextId++ * 2 ** ZOOM_BITS + zoom;
    return clusterFeature(lon, lat, count, id);
  }

  /** The blocks (maps/tiles.py) that cover `bbox` at `zoom`, as "z/x/y", the view's centre first. */
  blocks([west, south, east, north], zoom) {
    const blocks = 2 ** Math.max(zoom - this.settings.tilesBlockShift, 0);
    const [x0, y0] = [mercX(west), mercY(north)];
    const [x1, y1] = [mercX(east), mercY(south)];
    const first = Math.floor(x0 * blocks);
    const last = Math.floor(x1 * blocks - 1e-9);
    const top = Math.max(0, Math.floor(y0 * blocks));
    const bottom = Math.min(blocks - 1, Math.floor(y1 * blocks - 1e-9));
    const keys = new Set();
    const centre = [(first + last) / 2, (top + bottom) / 2];
    const all = [];
    for (let x = first; x <= Math.min(last, first + blocks - 1); x++) {
      for (let y = top; y <= bottom; y++) all.push([x, y]);
    }
    all.sort((a, b) => Math.hypot(a[0] - centre[0], a[1] - centre[1]) - Math.hypot(b[0] - centre[0], b[1] - centre[1]));
    for (const [x, y] of all.slice(0, MAX_BLOCKS)) keys.add(`${zoom}/${(((x % blocks) + blocks) % blocks)}/${y}`);
    return [...keys];
  }

  tile(key) {
    let tile = this.tiles.get(key);
    if (tile) {
      this.tiles.delete(key); // kept as the newest
      this.tiles.set(key, tile);
      return tile;
    }
    const [z, x, y] = key.split("/");
    const url = this.settings.tilesUrl.replace("{z}", z).replace("{x}", x).replace("{y}", y) + this.query;
    tile = fetchJSON(new URL(url, document.baseURI).href, { signal: this.controller.signal, headers: { Accept: "application/json" } })
      .then((data) => this.features(data))
      .catch((error) => {
        this.tiles.delete(key); // asked again next time
        throw error;
      });
    this.tiles.set(key, tile);
    while (this.tiles.size > KEPT_TILES) this.tiles.delete(this.tiles.keys().next().value);
    return tile;
  }

  features({ z, clusters = [], sites = [] }) {
    const out = clusters.map(([lon, lat, count]) => this.cluster(lon, lat, count, z));
    for (const [lon, lat, k, p, r, org, name] of sites) out.push(siteFeature(lon, lat, { k, p, r, org, name }));
    return out;
  }

  /** A server cluster comes apart a zoom further in (its cell is four there). */
  expansionZoom(clusterId) {
    return (clusterId % 2 ** ZOOM_BITS) + 1;
  }

  /** Never asked: clusters end before the map's last zoom (tiles.py's SINGLES_FROM). */
  leaves() {
    return [];
  }

  /** A site's key is its public id. */
  id(key) {
    return key;
  }
}

function inBox(lon, lat, [west, south, east, north]) {
  if (lat < south || lat > north) return false;
  if (east - west >= 360) return true;
  return ((((lon - west) % 360) + 360) % 360) <= east - west;
}
