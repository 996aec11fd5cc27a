// The first screen of the record's map (the map page and the embed), drawn on a plain canvas
// before MapLibre is loaded. MapLibre and the component are 1 MB of script (300 KB compressed)
// and start WebGL; none of that is needed to show where the sites are. This module is the whole
// first screen (with the sites' worker, a few kilobytes):
//
// - it starts the sites' worker at once (sites-data.js: the compact payload fetched, read and
//   every site clustered off the page's thread), where it used to start only once MapLibre's
//   bundle was parsed;
// - it draws the basemap's country shapes (the same file MapLibre draws them from), the server's
//   preview of the sites while the worker works (maps/preview.py), then the clusters of every
//   site, in the colours and sizes of MapLibre's layers (style.js), at the view MapLibre will
//   open at (view.js: the address's, or the sites fitted as component.js fits them);
// - a click on a cluster zooms in to where it comes apart, as on the MapLibre map; a click on a
//   site is kept and opens its popup once MapLibre is there;
// - map.js fetches MapLibre's bundle once the first screen is drawn, and runs it once every
//   site is (its parsing and WebGL would hold up the page's thread meanwhile). The component takes the
//   worker and its sites from here (takeSites), and at its first frame with the sites in it
//   (handOff) the canvas goes, with MapLibre at the view the reader chose here.
//
// Past MAP_TILED_FROM sites (maps/tiles.py) there is no worker: the server's clusters are drawn,
// the preview's cells at once (they come with the first request), then its tiles.
//
// Marks for the benchmarks: FIRST_MARK at the first frame with clusters in it (preview or
// real), ALL_MARK at the first with the clusters of every site.
import { fetchJSON, isMirror } from "../offline-data.js";
import { CLUSTER_MAX_ZOOM, SINGLE_RADIUS, SITE_RADII, clusterRadius } from "./clusters.js";
import { readColours } from "./colours.js";
import { WorkerSites } from "./sites-source.js";
import { parseHash, queryString } from "./state.js";
import { TiledSites } from "./tiled-sites.js";
import { TILE, WORLD, dataBounds, fitView, latOf, lonOf, mercX, mercY } from "./view.js";

export const FIRST_MARK = "unmask:first-screen";
export const ALL_MARK = "unmask:first-screen-clustered";
const FONT = '600 12px "Noto Sans", system-ui, sans-serif';
const MAX_ZOOM = 17;

/** MapLibre's "interpolate" of SITE_RADII[precision] at a zoom, linear or exponential. */
function siteRadius(precision, zoom) {
  const { base, stops } = SITE_RADII[precision];
  if (zoom <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [z1, v1] = stops[i];
    const [z0, v0] = stops[i - 1];
    if (zoom > z1) continue;
    const t = base === 1 ? (zoom - z0) / (z1 - z0) : (base ** (zoom - z0) - 1) / (base ** (z1 - z0) - 1);
    return v0 + t * (v1 - v0);
  }
  return stops[stops.length - 1][1];
}

/** How a single site is drawn at a zoom, by its precision (style.js's site layers). */
function siteLook(precision, zoom) {
  if (precision === "region" || precision === "country") {
    return { radius: siteRadius("region", zoom), fill: 0.1, stroke: 1, edgeAlpha: 0.45, edge: "site" };
  }
  if (precision === "city") {
    return { radius: siteRadius("city", zoom), fill: 0.2, stroke: 1.5, edgeAlpha: 0.7, edge: "site" };
  }
  return { radius: siteRadius("exact", zoom), fill: 1, stroke: 1.5, edgeAlpha: 1, edge: "siteEdge" };
}
const SITE_ORDER = { region: 0, country: 0, city: 1 }; // drawn under the exact ones, as the layers are

export class FirstScreen {
  /** The first screen of `section`, or null where there is none to draw (see isFor). */
  static open(section) {
    try {
      const config = JSON.parse(document.getElementById(section.dataset.config).textContent);
      return FirstScreen.isFor(section, config) ? new FirstScreen(section, config) : null;
    } catch {
      return null; // no first screen is no error: MapLibre draws the map as before
    }
  }

  /**
   * Only the record's full maps (not a record page's small one) with the sites alone on them,
   * their compact payload and a worker: in the static mirror no worker starts from a file.
   */
  static isFor(section, config) {
    const sites = config.layers?.sites;
    const container = section.querySelector(".map-canvas");
    if (isMirror()) return false;
    const loaded = sites?.tilesUrl || (sites?.compactUrl && sites.workerUrl && typeof Worker === "function");
    if (!loaded) return false;
    if (section.classList.contains("map-compact") || !container?.clientWidth || !container.clientHeight) return false;
    const others = Object.entries(config.layers).filter(([name]) => name !== "sites");
    return others.every(([, layer]) => layer.toggle && !layer.shown);
  }

  constructor(section, config) {
    this.section = section;
    this.container = section.querySelector(".map-canvas");
    this.lang = document.documentElement.lang || "en";
    this.numbers = new Intl.NumberFormat(this.lang);
    this.colours = readColours(section);
    this.moves = 0; // views the reader chose here (component.js compares)
    const chosen = parseHash(location.hash);
    this.view = chosen || WORLD;
    this.fitted = Boolean(chosen); // an address's view is kept, as the component keeps it
    this.land = null;
    this.preview = null;
    this.clusters = null; // of every site, at this.view
    this.pending = null; // a site clicked before MapLibre came: [lon, lat]
    this.gone = false;
    // Settled at the first frame with clusters in it (or none to come), and at the first with
    // every site's: map.js fetches MapLibre's bundle at the one and runs it at the other.
    this.drawnOnce = new Promise((resolve) => (this.settle = resolve));
    this.clusteredOnce = new Promise((resolve) => (this.settleAll = resolve));

    const settings = config.layers.sites;
    const query = queryString({ ...(config.params || {}), ...(config.fixed || {}) });
    const address = (base) => new URL(base + (query ? `?${query}` : ""), document.baseURI).href;
    // Past MAP_TILED_FROM sites, the server's clusters (tiled-sites.js): the preview's cells, then
    // tiles as the reader zooms in. Otherwise every site, in the worker.
    const tiled = Boolean(settings.tilesUrl);
    if (tiled) {
      this.urls = { url: address(settings.tilesUrl), idsUrl: "" };
      this.sites = new TiledSites(settings, query, new Intl.Collator(this.lang, { sensitivity: "base", numeric: true }));
      this.loaded = this.sites.ask("load");
    } else {
      this.urls = { url: address(settings.compactUrl), idsUrl: address(settings.idsUrl) };
      this.sites = new WorkerSites(new URL(settings.workerUrl, document.baseURI).href);
      this.loaded = this.sites.ask("load", { ...this.urls, lang: this.lang });
    }
    this.loaded.catch(() => {
      this.settle();
      this.settleAll();
    });

    this.canvas = document.createElement("canvas");
    this.canvas.className = "map-first-screen";
    this.canvas.setAttribute("aria-hidden", "true"); // the list beside the map says the same
    this.container.querySelector(".map-nojs")?.setAttribute("hidden", "");
    this.container.append(this.canvas);
    this.canvas.addEventListener("click", (event) => this.click(event));
    this.canvas.addEventListener("mousemove", (event) => {
      this.canvas.classList.toggle("map-first-screen-hit", Boolean(this.hit(event)));
    });
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(this.container);

    const basemap = new URL(config.basemap, document.baseURI).href;
    fetchJSON(basemap)
      .then((data) => {
        this.land = projectLand(data);
        this.draw();
      })
      .catch(() => {}); // the sea alone, and the sites on it
    if (settings.previewUrl && !tiled) {
      fetchJSON(address(settings.previewUrl), { headers: { Accept: "application/geo+json" } })
        .then((data) => {
          if (this.clusters) return; // the real ones came first
          this.preview = data;
          this.draw();
        })
        .catch(() => {});
    }
    this.loaded
      .then((answer) => {
        if (this.gone) return;
        const bounds = dataBounds([answer]);
        if (!this.fitted && !this.moves && bounds) {
          // Fitted as the component fits them, unless the reader chose a view (a preview's cell).
          const { clientWidth: width, clientHeight: height } = this.container;
          this.view = fitView(bounds, width, height);
        }
        this.fitted = true;
        this.total = answer.total ?? answer.length;
        return this.askClusters();
      })
      .catch(() => {});
    this.draw();
  }

  // --- what the component takes over ------------------------------------------------------------

  /** The worker and its load, once, for the component's first request of the same sites. */
  takeSites(url, idsUrl) {
    if (this.taken || this.gone || url !== this.urls.url || idsUrl !== this.urls.idsUrl) return null;
    this.taken = true;
    return { sites: this.sites, loaded: this.loaded };
  }

  /** MapLibre drew its first frame with the sites: it takes the view chosen here, and the click. */
  handOff(component, movesAtStart) {
    if (this.gone) return;
    const map = component.map;
    if (this.moves) {
      // The reader's view (before the component or since): kept, and written in the address.
      component.viewChosen = true;
      if (this.moves !== movesAtStart) map.jumpTo(this.view);
      else if (component.inAddress) component.writeHash();
    }
    const pending = this.pending;
    this.remove();
    if (!pending) return;
    const sites = component.layers.find((layer) => layer.name === "sites");
    Promise.resolve(sites?.update(map)).then(() => {
      map.once("idle", () => {
        const point = map.project(pending);
        component.onClick({ point, lngLat: map.unproject(point) });
      });
      map.triggerRepaint();
    });
  }

  /** Gone for good: handed off, or new filters (the component draws those itself). */
  remove() {
    if (this.gone) return;
    this.gone = true;
    this.settle();
    this.settleAll();
    this.resize.disconnect();
    this.canvas.remove();
    this.container.querySelector(".map-nojs")?.remove();
    if (!this.taken) this.sites.close();
  }

  // --- drawing --------------------------------------------------------------------------------

  async askClusters() {
    const view = this.view;
    const zoom = Math.max(0, Math.floor(view.zoom));
    const { west, south, east, north } = this.bounds();
    const features = await this.sites.ask("clusters", [west, south, east, north], zoom);
    if (this.gone || this.view !== view) return;
    this.clusters = features;
    this.preview = null;
    this.draw();
  }

  /** The view's corners in degrees (longitudes may pass ±180; latitudes are clamped). */
  bounds() {
    const { width, height } = this.size();
    const scale = TILE * 2 ** this.view.zoom;
    const x = mercX(this.view.center[0]);
    const y = mercY(this.view.center[1]);
    const dx = width / 2 / scale;
    const dy = height / 2 / scale;
    return {
      west: Math.max(-540, lonOf(x - dx)),
      east: Math.min(540, lonOf(x + dx)),
      north: latOf(Math.max(0, y - dy)),
      south: latOf(Math.min(1, y + dy)),
    };
  }

  size() {
    return { width: this.container.clientWidth, height: this.container.clientHeight };
  }

  /** Screen x of Mercator x on each world copy in view (MapLibre repeats the world sideways). */
  copies(mx, scale, left, width, margin) {
    const xs = [];
    const first = Math.floor((left - margin) / scale - mx);
    for (let k = first; (mx + k) * scale - left < width + margin; k++) {
      const x = (mx + k) * scale - left;
      if (x >= -margin) xs.push(x);
    }
    return xs;
  }

  draw() {
    if (this.gone) return;
    const { width, height } = this.size();
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    const canvas = this.canvas;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    // A canvas on the CPU: drawn a few times, never animated. Drawn by the GPU process, in a
    // browser without a GPU (software WebGL), it held up MapLibre's WebGL context by seconds.
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const c = this.colours;
    ctx.fillStyle = c.sea;
    ctx.fillRect(0, 0, width, height);
    const scale = TILE * 2 ** this.view.zoom;
    const left = mercX(this.view.center[0]) * scale - width / 2;
    const top = mercY(this.view.center[1]) * scale - height / 2;
    if (this.land) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.landImage(scale, left, top, width, height, ratio), 0, 0);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    }
    this.circles = [];
    const drawn = this.clusters ? this.drawClusters(ctx, scale, left, top, width, height) : this.drawPreview(ctx, scale, left, top, width, height);
    if (drawn && !this.marked) {
      this.marked = true;
      performance.mark(FIRST_MARK, { detail: { map: this.section.dataset.map, clusters: this.clusters ? "all" : "preview" } });
      this.settle();
    }
    if (this.clusters && !this.markedAll) {
      this.markedAll = this.complete = true; // component.js: no preview of its own then
      performance.mark(ALL_MARK, { detail: { map: this.section.dataset.map, sites: this.total } });
      this.settle();
      this.settleAll();
    }
  }

  /**
   * The countries, drawn once per view and size on a canvas of their own (the clusters are drawn
   * again over it as they come): only the rings in view, and no two points of a ring closer than
   * a pixel, so a world view draws a few thousand points of the 60,000.
   */
  landImage(scale, left, top, width, height, ratio) {
    const key = `${scale} ${left} ${top} ${width} ${height} ${ratio}`;
    if (this.landKey === key) return this.landCanvas;
    const canvas = (this.landCanvas ||= document.createElement("canvas"));
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    // A canvas on the CPU: drawn a few times, never animated. Drawn by the GPU process, in a
    // browser without a GPU (software WebGL), it held up MapLibre's WebGL context by seconds.
    const ctx = canvas.getContext("2d", { willReadFrequently: true }); // on the CPU: see draw()
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.beginPath();
    for (const offset of this.copies(0, scale, left, width, scale)) {
      for (const { points, box } of this.land) {
        const [x0, y0, x1, y1] = box;
        if (offset + x1 * scale < 0 || offset + x0 * scale > width) continue;
        if (y1 * scale - top < 0 || y0 * scale - top > height) continue;
        let px = offset + points[0] * scale;
        let py = points[1] * scale - top;
        ctx.moveTo(px, py);
        for (let i = 2; i < points.length; i += 2) {
          const x = offset + points[i] * scale;
          const y = points[i + 1] * scale - top;
          if (Math.abs(x - px) < 1 && Math.abs(y - py) < 1) continue;
          ctx.lineTo(x, y);
          px = x;
          py = y;
        }
        ctx.closePath();
      }
    }
    ctx.fillStyle = this.colours.land;
    ctx.fill();
    ctx.lineWidth = 0.6;
    ctx.strokeStyle = this.colours.border;
    ctx.stroke();
    this.landKey = key;
    return canvas;
  }

  /** The server's grid of the sites at this zoom (maps/preview.py), none past its last zoom. */
  drawPreview(ctx, scale, left, top, width, height) {
    const data = this.preview;
    if (!data?.features?.length) return false;
    const zoom = Math.floor(this.view.zoom);
    const shown = zoom > data.maxZoom ? -1 : Math.max(0, zoom);
    let any = false;
    for (const feature of data.features) {
      const { n, z } = feature.properties;
      if (z !== shown) continue;
      any = this.drawCluster(ctx, feature, n, scale, left, top, width, height, "preview") || any;
    }
    return any;
  }

  drawClusters(ctx, scale, left, top, width, height) {
    const zoom = this.view.zoom;
    const c = this.colours;
    const sites = this.clusters.filter((f) => !f.properties.cluster);
    sites.sort((a, b) => (SITE_ORDER[a.properties.p] ?? 2) - (SITE_ORDER[b.properties.p] ?? 2));
    for (const feature of sites) {
      const look = siteLook(feature.properties.p, zoom);
      const [lon, lat] = feature.geometry.coordinates;
      const y = mercY(lat) * scale - top;
      for (const x of this.copies(mercX(lon), scale, left, width, look.radius)) {
        if (y < -look.radius || y > height + look.radius) continue;
        ctx.beginPath();
        ctx.arc(x, y, look.radius, 0, 2 * Math.PI);
        ctx.globalAlpha = look.fill;
        ctx.fillStyle = c.site;
        ctx.fill();
        ctx.globalAlpha = look.edgeAlpha;
        ctx.lineWidth = look.stroke;
        ctx.strokeStyle = c[look.edge];
        ctx.stroke();
        ctx.globalAlpha = 1;
        this.circles.push({ x, y, r: Math.max(look.radius, 8), feature, kind: "site" });
      }
    }
    for (const feature of this.clusters) {
      if (feature.properties.cluster) {
        this.drawCluster(ctx, feature, feature.properties.point_count, scale, left, top, width, height, "cluster");
      }
    }
    return this.clusters.length > 0;
  }

  drawCluster(ctx, feature, n, scale, left, top, width, height, kind) {
    const c = this.colours;
    const radius = clusterRadius(n, SINGLE_RADIUS);
    const [lon, lat] = feature.geometry.coordinates;
    const y = mercY(lat) * scale - top;
    if (y < -radius || y > height + radius) return false;
    let any = false;
    for (const x of this.copies(mercX(lon), scale, left, width, radius)) {
      any = true;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.92;
      ctx.fillStyle = c.site;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = n < 2 ? 1.5 : 2;
      ctx.strokeStyle = c.siteEdge;
      ctx.stroke();
      if (n > 1) {
        ctx.fillStyle = c.siteText;
        ctx.font = FONT;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(this.numbers.format(n), x, y + 0.5);
      }
      this.circles.push({ x, y, r: radius, feature, kind });
    }
    return any;
  }

  // --- clicks -------------------------------------------------------------------------------------

  hit(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    for (let i = (this.circles || []).length - 1; i >= 0; i--) {
      const circle = this.circles[i];
      if ((circle.x - x) ** 2 + (circle.y - y) ** 2 <= circle.r ** 2) return circle;
    }
    return null;
  }

  async click(event) {
    const circle = this.hit(event);
    if (!circle) return;
    const [lon, lat] = circle.feature.geometry.coordinates;
    if (circle.kind === "site") {
      this.pending = [lon, lat]; // its popup opens on MapLibre's map
      return;
    }
    let zoom = Math.min(this.view.zoom + 2, MAX_ZOOM); // a preview's cell: closer, there
    if (circle.kind === "cluster") {
      try {
        const apart = await this.sites.ask("expansionZoom", circle.feature.properties.cluster_id);
        if (apart > CLUSTER_MAX_ZOOM) {
          this.pending = [lon, lat]; // the sites of one place: MapLibre lists them
          return;
        }
        zoom = Math.min(Math.max(apart, this.view.zoom + 1), CLUSTER_MAX_ZOOM + 1);
      } catch {
        return;
      }
    }
    if (this.gone) return;
    this.moves += 1;
    this.view = { center: [lon, lat], zoom };
    if (this.clusters) await this.askClusters();
    else this.draw();
  }
}

/** The basemap's country shapes as rings of Mercator x, y (flat) with their boxes; label points dropped. */
function projectLand(data) {
  const rings = [];
  const add = (ring) => {
    const points = new Float64Array(ring.length * 2);
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    ring.forEach(([lon, lat], i) => {
      const x = (points[2 * i] = mercX(lon));
      const y = (points[2 * i + 1] = mercY(lat));
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    });
    rings.push({ points, box });
  };
  for (const feature of data.features || []) {
    const geometry = feature.geometry;
    if (geometry?.type === "Polygon") geometry.coordinates.forEach(add);
    else if (geometry?.type === "MultiPolygon") for (const polygon of geometry.coordinates) polygon.forEach(add);
  }
  return rings;
}
