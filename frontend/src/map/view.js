// Where a map opens, shared by the MapLibre component (component.js) and the first screen drawn
// before MapLibre is loaded (first-screen.js), so that both show the same view: the world, or
// the data's bounds with the same padding and the same closest zoom. Web Mercator on 512-pixel
// tiles, as MapLibre's: a world 512 × 2^zoom pixels wide.

export const WORLD = { center: [15, 30], zoom: 1 };
export const FIT_MAX_ZOOM = 7; // the first fit: no closer than a region
export const TILE = 512;
const MAX_LAT = 85.051129;

/** Mercator x and y of a longitude and latitude, the world being 1 × 1. */
export const mercX = (lon) => (lon + 180) / 360;
export function mercY(lat) {
  const s = Math.sin((Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}
export const lonOf = (x) => x * 360 - 180;
export const latOf = (y) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;

/** The padding a fit leaves around the data: at most 48 pixels, less on a small map. */
export const fitPadding = (width, height) => Math.max(0, Math.min(48, width / 5, height / 5));

/** [west, south, east, north] of every point of the layers' columns (lon, lat, length); null if none. */
export function dataBounds(columns) {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { lon, lat, length } of columns) {
    for (let i = 0; i < length; i++) {
      west = Math.min(west, lon[i]);
      east = Math.max(east, lon[i]);
      south = Math.min(south, lat[i]);
      north = Math.max(north, lat[i]);
    }
  }
  return west === Infinity ? null : [west, south, east, north];
}

/** The view that fits `bounds` in a map of this size, as MapLibre's fitBounds computes it. */
export function fitView([west, south, east, north], width, height, maxZoom = FIT_MAX_ZOOM) {
  const padding = fitPadding(width, height);
  const [x0, x1, y0, y1] = [mercX(west), mercX(east), mercY(north), mercY(south)];
  const zoomFor = (pixels, span) => (span > 0 ? Math.log2(Math.max(1, pixels - 2 * padding) / (span * TILE)) : Infinity);
  const zoom = Math.max(0, Math.min(maxZoom, zoomFor(width, x1 - x0), zoomFor(height, y1 - y0)));
  return { center: [lonOf((x0 + x1) / 2), latOf((y0 + y1) / 2)], zoom };
}
