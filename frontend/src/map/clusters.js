// How the map clusters its points, shared by the style (style.js), the sites' worker
// (sites-data.js) and the actions' clustered source: no closer than this zoom, this wide.
export const CLUSTER_MAX_ZOOM = 14;
export const SITES_CLUSTER_RADIUS = 48; // screen pixels, a 512-pixel tile's
