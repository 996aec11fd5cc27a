// The map's style: the basemap (country shapes that ship with the site, or an operator's PMTiles
// under them), then the sites, clustered. No glyphs URL and no sprite: MapLibre draws text with
// the browser's own fonts, and nothing is fetched from another host.

export const SITES = "sites";
export const CLUSTER_MAX_ZOOM = 14;
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

// Font stacks for text drawn locally. MapLibre reads the weight from the first name.
const FONT = ["system-ui", "Noto Sans", "sans-serif"];
const FONT_BOLD = ["Noto Sans Bold", "system-ui", "Noto Sans", "sans-serif"];

/** The colours, from the CSS custom properties in map.css (light and dark schemes). */
export function readColours(element) {
  const style = getComputedStyle(element);
  const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    sea: get("--map-sea", "#dbe4ec"),
    land: get("--map-land", "#ffffff"),
    border: get("--map-border", "#a9a49a"),
    label: get("--map-label", "#53565d"),
    halo: get("--map-halo", "#ffffff"),
    road: get("--map-road", "#e4e0d8"),
    site: get("--map-site", "#b4134b"),
    siteText: get("--map-site-text", "#ffffff"),
    siteEdge: get("--map-site-edge", "#ffffff"),
  };
}

/** Paint properties that follow the colours, by layer: applied again when the scheme changes. */
export function colourPaint(c) {
  return {
    background: { "background-color": c.sea },
    "country-fill": { "fill-color": c.land },
    "country-line": { "line-color": c.border },
    "country-label": { "text-color": c.label, "text-halo-color": c.halo },
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
  };
}

const precision = (...values) => ["in", ["get", "p"], ["literal", values]];
const unclustered = ["!", ["has", "point_count"]];

/**
 * @param {object} options
 * @param {object} options.config the page's map config
 * @param {object} options.colours from readColours()
 * @param {string} options.lang the page's language
 * @param {boolean} options.pmtiles draw the operator's PMTiles basemap
 */
export function buildStyle({ config, colours, lang, pmtiles }) {
  const basemap = new URL(config.basemap, document.baseURI).href;
  const countryName = ["coalesce", ["get", ["get", "c"], ["literal", config.countries || {}]], ["get", "n"]];
  const layers = [
    { id: "background", type: "background", paint: {} },
    { id: "country-fill", type: "fill", source: "countries", filter: ["!", ["has", "l"]], paint: {} },
    ...(pmtiles ? pmtilesLayers(lang) : []),
    {
      id: "country-line",
      type: "line",
      source: "countries",
      filter: ["!", ["has", "l"]],
      paint: { "line-width": ["interpolate", ["linear"], ["zoom"], 1, 0.4, 6, 1.2] },
    },
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
    {
      // Known only to its region or country: a big faint circle.
      id: LAYERS.region,
      type: "circle",
      source: SITES,
      filter: ["all", unclustered, precision("region", "country")],
      paint: {
        "circle-radius": ["interpolate", ["exponential", 2], ["zoom"], 4, 14, 9, 448],
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
        "circle-radius": ["interpolate", ["exponential", 2], ["zoom"], 7, 10, 12, 320],
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
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 2, 4, 10, 6, 16, 8],
        "circle-stroke-width": 1.5,
      },
    },
    {
      id: LAYERS.clusters,
      type: "circle",
      source: SITES,
      filter: ["has", "point_count"],
      paint: {
        "circle-radius": ["step", ["get", "point_count"], 13, 10, 17, 100, 22, 1000, 27, 10000, 33],
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
      filter: ["==", ["get", "s"], ""],
      paint: {
        "circle-radius": 11,
        "circle-color": "rgba(0, 0, 0, 0)",
        "circle-stroke-width": 3,
      },
    },
  ];
  const paint = colourPaint(colours);
  for (const layer of layers) Object.assign(layer.paint, paint[layer.id] || {});

  const sources = {
    countries: { type: "geojson", data: basemap, attribution: "Natural Earth" },
    [SITES]: {
      type: "geojson",
      data: { type: "FeatureCollection", features: [] },
      cluster: true,
      clusterRadius: 48,
      clusterMaxZoom: CLUSTER_MAX_ZOOM,
    },
  };
  if (pmtiles) {
    sources.protomaps = {
      type: "vector",
      url: `pmtiles://${new URL(config.pmtiles, document.baseURI).href}`,
      attribution: '<a href="https://openstreetmap.org/copyright">© OpenStreetMap</a>',
    };
  }
  return { version: 8, sources, layers };
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
