// The map's style: the basemap (country shapes that ship with the site, or an operator's PMTiles
// under them), then the sites, clustered. No glyphs URL and no sprite: MapLibre draws text with
// the browser's own fonts, and nothing is fetched from another host.
import { CLUSTER_MAX_ZOOM, clusterRadiusStep, siteRadiusByZoom } from "./clusters.js";
import { sourceUrl } from "./mirror.js";

export { readColours } from "./colours.js";

export { CLUSTER_MAX_ZOOM };
export const SITES = "sites";
export const LAYERS = {
  clusters: "site-clusters",
  count: "site-cluster-count",
  exact: "sites-exact",
  city: "sites-city",
  region: "sites-region",
  selected: "site-selected",
};
// What a click can hit, most precise first.
export const SITE_LAYERS = [LAYERS.exact, LAYERS.city, LAYERS.region];

// The actions layer (campaign): diamonds drawn on a canvas here (no sprite to fetch), struck
// and grey when cancelled, clustered in a source of their own, above the sites.
export const ACTIONS = "actions";
export const ACTION_LAYERS = {
  clusters: "action-clusters",
  points: "action-points",
  selected: "action-selected",
};
export const ACTION_IMAGES = { pin: "action-pin", cancelled: "action-pin-cancelled", cluster: "action-cluster" };

// Font stacks for text drawn locally. MapLibre reads the weight from the first name.
const FONT = ["system-ui", "Noto Sans", "sans-serif"];
const FONT_BOLD = ["Noto Sans Bold", "system-ui", "Noto Sans", "sans-serif"];

/** Paint properties that follow the colours, by layer: applied again when the scheme changes. */
export function colourPaint(c) {
  return {
    background: { "background-color": c.sea },
    "country-fill": { "fill-color": c.land },
    "country-line": { "line-color": c.border },
    "country-label": { "text-color": c.label, "text-halo-color": c.halo },
    "region-line": { "line-color": c.border },
    "place-label": { "text-color": c.label, "text-halo-color": c.halo },
    "pm-earth": { "fill-color": c.land },
    "pm-water": { "fill-color": c.sea },
    "pm-roads": { "line-color": c.road },
    "pm-boundaries": { "line-color": c.border },
    "pm-places": { "text-color": c.label, "text-halo-color": c.halo },
    [LAYERS.region]: { "circle-color": c.site, "circle-stroke-color": c.site },
    [LAYERS.city]: { "circle-color": c.site, "circle-stroke-color": c.site },
    [LAYERS.exact]: { "circle-color": c.site, "circle-stroke-color": c.siteEdge },
    [LAYERS.clusters]: { "circle-color": c.site, "circle-stroke-color": c.siteEdge },
    [LAYERS.count]: { "text-color": c.siteText },
    [LAYERS.selected]: { "circle-stroke-color": c.label },
    [ACTION_LAYERS.clusters]: { "text-color": c.actionText },
    [ACTION_LAYERS.selected]: { "circle-stroke-color": c.label },
  };
}

/**
 * The actions' pictures, as MapLibre images: a diamond in the action colour with a light edge,
 * a grey struck one for a cancelled action, a larger one for clusters. Drawn at the screen's
 * pixel ratio; drawn again when the colour scheme changes.
 */
export function actionImages(c, ratio = window.devicePixelRatio || 1) {
  const pixelRatio = Math.max(1, Math.min(3, Math.round(ratio)));
  return {
    [ACTION_IMAGES.pin]: diamond(18, c.action, c.actionEdge, "", pixelRatio),
    [ACTION_IMAGES.cancelled]: diamond(18, c.cancelled, c.actionEdge, c.label, pixelRatio),
    [ACTION_IMAGES.cluster]: diamond(34, c.action, c.actionEdge, "", pixelRatio),
  };
}

function diamond(size, fill, edge, strike, pixelRatio) {
  const side = size * pixelRatio;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext("2d");
  ctx.scale(pixelRatio, pixelRatio);
  const half = size / 2;
  const inset = 1.5;
  ctx.beginPath();
  ctx.moveTo(half, inset);
  ctx.lineTo(size - inset, half);
  ctx.lineTo(half, size - inset);
  ctx.lineTo(inset, half);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = edge;
  ctx.stroke();
  if (strike) {
    // Struck through: a line across, corner to corner.
    ctx.beginPath();
    ctx.moveTo(1, size - 1);
    ctx.lineTo(size - 1, 1);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = strike;
    ctx.stroke();
  }
  return { data: ctx.getImageData(0, 0, side, side), pixelRatio };
}

const precision = (...values) => ["in", ["get", "p"], ["literal", values]];
const unclustered = ["!", ["has", "point_count"]];

/**
 * @param {object} options
 * @param {object} options.config the page's map config
 * @param {object} options.colours from readColours()
 * @param {string} options.lang the page's language
 * @param {boolean} options.pmtiles draw the operator's PMTiles basemap
 * @param {string[]} [options.layers] the data layers to draw: "sites", "actions" (default: sites)
 * @param {string[]} [options.hidden] those of them hidden at first (a layer the reader turns on)
 */
export function buildStyle({ config, colours, lang, pmtiles, layers: wanted = [SITES], hidden = [] }) {
  const basemap = sourceUrl(new URL(config.basemap, document.baseURI).href); // mirror.js
  const countryName = ["coalesce", ["get", ["get", "c"], ["literal", config.countries || {}]], ["get", "n"]];
  const layers = [
    { id: "background", type: "background", paint: {} },
    { id: "country-fill", type: "fill", source: "countries", filter: ["!", ["has", "l"]], paint: {} },
    ...(pmtiles ? pmtilesLayers(lang) : regionLayers(config)),
    {
      id: "country-line",
      type: "line",
      source: "countries",
      filter: ["!", ["has", "l"]],
      paint: { "line-width": ["interpolate", ["linear"], ["zoom"], 1, 0.4, 6, 1.2] },
    },
    // Under the country names: a country's name wins a collision with a city's.
    ...(pmtiles ? [] : placeLayers(config, lang)),
    {
      id: "country-label",
      type: "symbol",
      source: "countries",
      // The larger countries first: by rank of area, more names as the map zooms in.
      filter: ["all", ["has", "l"], ["step", ["zoom"], ["<", ["get", "r"], 30], 2, ["<", ["get", "r"], 70], 3, ["<", ["get", "r"], 140], 4, true]],
      layout: {
        "text-field": countryName,
        "text-font": FONT,
        "text-size": ["interpolate", ["linear"], ["zoom"], 1, ["step", ["get", "r"], 12, 40, 10], 6, 16],
        "text-max-width": 7,
        "text-padding": 6,
        "symbol-sort-key": ["get", "r"],
      },
      paint: { "text-halo-width": 1.5 },
    },
    ...(wanted.includes(SITES) ? siteLayers(lang) : []),
    ...(wanted.includes(ACTIONS) ? actionLayers(lang) : []),
  ];
  const paint = colourPaint(colours);
  for (const layer of layers) {
    Object.assign(layer.paint, paint[layer.id] || {});
    if (hidden.includes(layer.source)) layer.layout = { ...(layer.layout || {}), visibility: "none" };
  }

  const empty = { type: "FeatureCollection", features: [] };
  const sources = { countries: { type: "geojson", data: basemap, attribution: "Natural Earth" } };
  if (!pmtiles) {
    // Each file a source of its own, so the country shapes are drawn without waiting for them.
    if (config.regions) sources.regions = { type: "geojson", data: sourceUrl(new URL(config.regions, document.baseURI).href) };
    if (config.places) sources.places = { type: "geojson", data: sourceUrl(new URL(config.places, document.baseURI).href) };
  }
  if (wanted.includes(SITES)) {
    // Not clustered here: the sites' worker clusters every site (sites-data.js) and the page
    // hands this source the clusters of what is in view (layers.js, SitesLayer.update).
    sources[SITES] = { type: "geojson", data: empty };
  }
  if (wanted.includes(ACTIONS)) {
    sources[ACTIONS] = { type: "geojson", data: empty, cluster: true, clusterRadius: 40, clusterMaxZoom: CLUSTER_MAX_ZOOM };
  }
  if (pmtiles) {
    sources.protomaps = {
      type: "vector",
      url: `pmtiles://${new URL(config.pmtiles, document.baseURI).href}`,
      attribution: '<a href="https://openstreetmap.org/copyright">© OpenStreetMap</a>',
    };
  }
  return { version: 8, sources, layers };
}

// Natural Earth's populated places carry "z", the zoom from which Natural Earth labels them on
// 256-pixel tiles; MapLibre's zoom counts 512-pixel tiles, one less for the same scale.
const PLACE_ZOOM_SHIFT = 1;
export const PLACE_LAYER = "place-label";
export const REGION_LAYER = "region-line";

/** First-level boundaries (states, provinces): thin dashed lines, from zoom 3.5, fading in. */
function regionLayers(config) {
  if (!config.regions) return [];
  return [
    {
      id: REGION_LAYER,
      type: "line",
      source: "regions",
      minzoom: 3.5,
      layout: { "line-join": "round" },
      paint: {
        "line-width": ["interpolate", ["linear"], ["zoom"], 4, 0.5, 10, 1.2],
        "line-opacity": ["interpolate", ["linear"], ["zoom"], 3.5, 0, 5, 0.9],
        "line-dasharray": [4, 3],
      },
    },
  ];
}

/**
 * Place names: the capitals and large cities first, smaller towns as the map zooms in (each
 * place from its "z"); where labels collide, the lower rank ("r") is placed. The name in the
 * page's language where Natural Earth has one, else its own.
 */
function placeLayers(config, lang) {
  if (!config.places) return [];
  // From zoom 2 to 10 in half steps: the places whose zoom has come (a filter may only use the
  // zoom through a top-level step).
  const stops = [];
  for (let zoom = 2.5; zoom <= 10; zoom += 0.5) stops.push(zoom, ["<=", ["get", "z"], zoom + PLACE_ZOOM_SHIFT]);
  const capital = ["has", "k"];
  return [
    {
      id: PLACE_LAYER,
      type: "symbol",
      source: "places",
      minzoom: 2,
      filter: ["step", ["zoom"], ["<=", ["get", "z"], 2 + PLACE_ZOOM_SHIFT], ...stops],
      layout: {
        "text-field": ["coalesce", ["get", `n_${lang}`], ["get", "n"]],
        "text-font": FONT,
        "text-size": ["interpolate", ["linear"], ["zoom"], 3, ["case", capital, 12, 10.5], 10, ["case", capital, 16, 14]],
        "text-max-width": 8,
        "text-padding": 4,
        "symbol-sort-key": ["get", "r"],
      },
      paint: { "text-halo-width": 1.5 },
    },
  ];
}

function siteLayers(lang) {
  return [
    {
      // Known only to its region or country: a big faint circle.
      id: LAYERS.region,
      type: "circle",
      source: SITES,
      filter: ["all", unclustered, precision("region", "country")],
      paint: {
        "circle-radius": siteRadiusByZoom("region"),
        "circle-opacity": 0.1,
        "circle-stroke-width": 1,
        "circle-stroke-opacity": 0.45,
      },
    },
    {
      // Known only to its city: somewhere in this circle (about 8 km across at any latitude
      // shown, never smaller than a finger's width).
      id: LAYERS.city,
      type: "circle",
      source: SITES,
      filter: ["all", unclustered, precision("city")],
      paint: {
        "circle-radius": siteRadiusByZoom("city"),
        "circle-opacity": 0.2,
        "circle-stroke-width": 1.5,
        "circle-stroke-opacity": 0.7,
      },
    },
    {
      id: LAYERS.exact,
      type: "circle",
      source: SITES,
      filter: ["all", unclustered, precision("exact", "street")],
      paint: {
        "circle-radius": siteRadiusByZoom("exact"),
        "circle-stroke-width": 1.5,
      },
    },
    {
      id: LAYERS.clusters,
      type: "circle",
      source: SITES,
      filter: ["has", "point_count"],
      paint: {
        "circle-radius": clusterRadiusStep(["get", "point_count"]),
        "circle-opacity": 0.92,
        "circle-stroke-width": 2,
      },
    },
    {
      id: LAYERS.count,
      type: "symbol",
      source: SITES,
      filter: ["has", "point_count"],
      layout: {
        "text-field": ["number-format", ["get", "point_count"], { locale: lang }],
        "text-font": FONT_BOLD,
        "text-size": 12,
        "text-allow-overlap": true,
      },
      paint: {},
    },
    {
      id: LAYERS.selected,
      type: "circle",
      source: SITES,
      filter: ["==", ["get", "k"], ""],
      paint: {
        "circle-radius": 11,
        "circle-color": "rgba(0, 0, 0, 0)",
        "circle-stroke-width": 3,
      },
    },
  ];
}

function actionLayers(lang) {
  const overlap = { "icon-allow-overlap": true, "icon-ignore-placement": true };
  return [
    {
      id: ACTION_LAYERS.points,
      type: "symbol",
      source: ACTIONS,
      filter: unclustered,
      layout: {
        ...overlap,
        "icon-image": ["case", ["==", ["get", "cancelled"], true], ACTION_IMAGES.cancelled, ACTION_IMAGES.pin],
        "icon-size": ["interpolate", ["linear"], ["zoom"], 2, 0.85, 10, 1, 16, 1.2],
        // The upcoming ones above the cancelled ones.
        "symbol-sort-key": ["case", ["==", ["get", "cancelled"], true], 0, 1],
      },
      paint: {},
    },
    {
      id: ACTION_LAYERS.clusters,
      type: "symbol",
      source: ACTIONS,
      filter: ["has", "point_count"],
      layout: {
        ...overlap,
        "icon-image": ACTION_IMAGES.cluster,
        "icon-size": ["step", ["get", "point_count"], 0.85, 10, 1, 100, 1.25],
        "text-field": ["number-format", ["get", "point_count"], { locale: lang }],
        "text-font": FONT_BOLD,
        "text-size": 12,
        "text-allow-overlap": true,
        "text-ignore-placement": true,
      },
      paint: {},
    },
    {
      id: ACTION_LAYERS.selected,
      type: "circle",
      source: ACTIONS,
      filter: ["==", ["get", "id"], ""],
      paint: {
        "circle-radius": 13,
        "circle-color": "rgba(0, 0, 0, 0)",
        "circle-stroke-width": 3,
      },
    },
  ];
}

// A few layers of the Protomaps basemap schema (v4), in the site's colours: land and water,
// main roads, borders and place names in the page's language. Colours are filled in by
// colourPaint().
function pmtilesLayers(lang) {
  const source = { source: "protomaps" };
  return [
    { id: "pm-earth", type: "fill", ...source, "source-layer": "earth", paint: {} },
    { id: "pm-water", type: "fill", ...source, "source-layer": "water", paint: {} },
    {
      id: "pm-roads",
      type: "line",
      ...source,
      "source-layer": "roads",
      minzoom: 6,
      filter: ["in", ["get", "kind"], ["literal", ["highway", "major_road"]]],
      paint: { "line-width": ["interpolate", ["exponential", 1.6], ["zoom"], 6, 0.5, 14, 4] },
    },
    {
      id: "pm-boundaries",
      type: "line",
      ...source,
      "source-layer": "boundaries",
      filter: ["==", ["get", "kind"], "region"],
      paint: { "line-width": 0.6, "line-dasharray": [3, 2] },
    },
    {
      id: "pm-places",
      type: "symbol",
      ...source,
      "source-layer": "places",
      minzoom: 5,
      filter: ["==", ["get", "kind"], "locality"],
      layout: {
        "text-field": ["coalesce", ["get", `name:${lang}`], ["get", "name"]],
        "text-font": FONT,
        "text-size": ["interpolate", ["linear"], ["zoom"], 5, 10, 12, 14],
        "text-max-width": 8,
        "symbol-sort-key": ["to-number", ["get", "sort_rank"], 0],
      },
      paint: { "text-halo-width": 1.5 },
    },
  ];
}
