// The peer of unmask's map in bench_map.py: a plain MapLibre page that hands MapLibre the same
// GeoJSON (/map/sites.geojson, every site) with `cluster: true`, over the same basemap and style
// (unmask's style.js), as a site that used MapLibre's own clustering would. It marks the first
// frame with clusters in it as unmask's map marks its own (unmask:clusters-drawn).
// Built by bench_map.py with esbuild into the benchmark's static folder; never shipped.
import { Map as MapLibreMap, setWorkerUrl } from "maplibre-gl";

import { LAYERS, buildStyle, readColours } from "../../frontend/src/map/style.js";

const config = JSON.parse(document.getElementById("config").textContent);
setWorkerUrl(new URL(config.worker, document.baseURI).href);
const style = buildStyle({ config, colours: readColours(document.body), lang: "en", pmtiles: false });
style.sources.sites = {
  type: "geojson",
  data: new URL(config.sites, document.baseURI).href,
  cluster: true,
  clusterRadius: 48,
  clusterMaxZoom: 14,
};
const map = new MapLibreMap({ container: "map", style, center: [15, 30], zoom: 1, attributionControl: false });
const drawn = () => {
  if (!map.queryRenderedFeatures({ layers: [LAYERS.clusters] }).length) return;
  map.off("render", drawn);
  performance.mark("unmask:clusters-drawn");
};
map.on("render", drawn);
window.unmaskMaps = [map];
