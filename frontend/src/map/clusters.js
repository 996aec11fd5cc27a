// How the map clusters its points and how big it draws them, shared by the style (style.js),
// the preview (preview.js), the first screen drawn before MapLibre (first-screen.js), the
// sites' worker (sites-data.js) and the actions' clustered source: no closer than this zoom,
// this wide. No import here: the first screen must not load MapLibre.
export const CLUSTER_MAX_ZOOM = 14;
export const SITES_CLUSTER_RADIUS = 48; // screen pixels, a 512-pixel tile's

export const SINGLE_RADIUS = 5; // a lone site in the server's preview
// A cluster's radius in pixels by its count: [count from, radius], as MapLibre's "step".
export const CLUSTER_RADII = [
  [2, 13],
  [10, 17],
  [100, 22],
  [1000, 27],
  [10000, 33],
];
// A single site's radius by zoom, by its precision: [zoom, radius] stops, and the base of
// MapLibre's "interpolate" (1 linear, 2 exponential).
export const SITE_RADII = {
  region: { base: 2, stops: [[4, 14], [9, 448]] }, // known only to its region or country
  city: { base: 2, stops: [[7, 10], [12, 320]] }, // somewhere in the city (about 8 km across)
  exact: { base: 1, stops: [[2, 4], [10, 6], [16, 8]] },
};

/**
 * MapLibre's "step" expression of CLUSTER_RADII over `count`; with `single`, the radius of a
 * count under the first (a lone site in the preview).
 */
export function clusterRadiusStep(count, single) {
  if (single === undefined) return ["step", count, CLUSTER_RADII[0][1], ...CLUSTER_RADII.slice(1).flat()];
  return ["step", count, single, ...CLUSTER_RADII.flat()];
}

/** CLUSTER_RADII's radius for a count (`single` under the first), as the step draws it. */
export function clusterRadius(count, single) {
  let radius = single ?? CLUSTER_RADII[0][1];
  for (const [from, value] of CLUSTER_RADII) if (count >= from) radius = value;
  return radius;
}

/** MapLibre's "interpolate" expression of SITE_RADII[precision] over the zoom. */
export function siteRadiusByZoom(precision) {
  const { base, stops } = SITE_RADII[precision];
  return ["interpolate", base === 1 ? ["linear"] : ["exponential", base], ["zoom"], ...stops.flat()];
}
