// A first look at the record's sites while their worker reads and clusters all of them: the server's grid of
// the sites at the zooms of a world or continent view (src/unmask/maps/preview.py, a few
// kilobytes where the sites are megabytes), drawn with the clusters' look. A click on one zooms
// in there. The preview goes as soon as the real clusters are drawn, and for good when the
// filters change before that. The page marks the moment it is drawn (PREVIEW_MARK).
import { fetchJSON } from "../offline-data.js";
import { SINGLE_RADIUS, clusterRadiusStep } from "./clusters.js";
import { LAYERS } from "./style.js";

export const PREVIEW_MARK = "unmask:clusters-previewed";
const SOURCE = "sites-preview";
const CIRCLES = "site-preview-clusters";
const COUNTS = "site-preview-count";
const SETTLE_MS = 3000; // the longest the sites wait for the preview

const defined = (paint) => Object.fromEntries(Object.entries(paint).filter(([, value]) => value !== undefined));

export class Preview {
  /**
   * @param {import("maplibre-gl").Map} map
   * @param {string} url the preview's address, with the page's query
   * @param {Promise<void>} styleReady resolves when sources and layers may be added
   * @param {object} detail what the mark carries (the map's id)
   */
  constructor(map, url, styleReady, detail) {
    this.map = map;
    this.maxZoom = 0;
    this.gone = false;
    this.controller = new AbortController();
    this.onZoom = () => this.filter();
    this.onClick = (event) => this.click(event);
    // Settled once the preview is drawn, or will not be (none, failed, gone, or too slow): the
    // component hands MapLibre every site only then, or their indexing in MapLibre's one worker
    // would hold up the preview's tiles behind it.
    this.settled = new Promise((resolve) => (this.settle = resolve));
    setTimeout(this.settle, SETTLE_MS);
    this.start(url, styleReady, detail).catch(this.settle); // no preview is no error
  }

  async start(url, styleReady, detail) {
    const data = await fetchJSON(url, { signal: this.controller.signal, headers: { Accept: "application/geo+json" } });
    await styleReady;
    if (this.gone || !data.features?.length) return this.settle();
    const map = this.map;
    this.maxZoom = data.maxZoom;
    map.addSource(SOURCE, { type: "geojson", data, buffer: 64 });
    const before = map.getLayer(LAYERS.selected) ? LAYERS.selected : undefined;
    map.addLayer(
      {
        id: CIRCLES,
        type: "circle",
        source: SOURCE,
        paint: defined({
          "circle-radius": clusterRadiusStep(["get", "n"], SINGLE_RADIUS),
          "circle-color": map.getPaintProperty(LAYERS.clusters, "circle-color"),
          "circle-stroke-color": map.getPaintProperty(LAYERS.clusters, "circle-stroke-color"),
          "circle-opacity": 0.92,
          "circle-stroke-width": ["step", ["get", "n"], 1.5, 2, 2],
        }),
      },
      before,
    );
    map.addLayer(
      {
        id: COUNTS,
        type: "symbol",
        source: SOURCE,
        filter: [">", ["get", "n"], 1],
        layout: {
          // The clusters' number, of the preview's count: ["number-format", ["get", "n"], ...]
          "text-field": JSON.parse(
            JSON.stringify(map.getLayoutProperty(LAYERS.count, "text-field")).replaceAll('"point_count"', '"n"'),
          ),
          "text-font": map.getLayoutProperty(LAYERS.count, "text-font"),
          "text-size": 12,
          "text-allow-overlap": true,
        },
        paint: defined({ "text-color": map.getPaintProperty(LAYERS.count, "text-color") }),
      },
      before,
    );
    this.filter();
    map.on("zoom", this.onZoom);
    map.on("click", CIRCLES, this.onClick);
    // Marked when the first frame with preview clusters in it is drawn.
    const drawn = () => {
      if (this.gone) return map.off("render", drawn);
      if (!map.queryRenderedFeatures({ layers: [CIRCLES] }).length) return;
      map.off("render", drawn);
      performance.mark(PREVIEW_MARK, { detail });
      this.settle();
    };
    map.on("render", drawn);
  }

  /** Only the cells of the zoom in view; none beyond the preview's last zoom. */
  filter() {
    const zoom = Math.floor(this.map.getZoom());
    const shown = zoom > this.maxZoom ? -1 : Math.max(0, zoom);
    for (const id of [CIRCLES, COUNTS]) {
      const base = id === COUNTS ? [">", ["get", "n"], 1] : true;
      this.map.setFilter(id, ["all", base, ["==", ["get", "z"], shown]]);
    }
  }

  click(event) {
    const feature = event.features?.[0];
    if (!feature) return;
    this.map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(this.map.getZoom() + 2, 17) });
  }

  /** Take the preview away (the real clusters are drawn, or the filters changed). */
  remove() {
    if (this.gone) return;
    this.gone = true;
    this.settle();
    this.controller.abort();
    const map = this.map;
    map.off("zoom", this.onZoom);
    map.off("click", CIRCLES, this.onClick);
    for (const id of [COUNTS, CIRCLES]) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource(SOURCE)) map.removeSource(SOURCE);
  }
}
