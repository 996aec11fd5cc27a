// Plane geometry shared by the basemap's build (basemap.mjs) and the script that extracts its
// Natural Earth data (data/extract.mjs): Web Mercator's y, the distance from a point to a
// segment, and Douglas–Peucker simplification measured in Mercator degrees.

/** Web Mercator's y for a latitude, in degrees (latitudes capped at ±89.9°). */
export const mercY = (lat) =>
  Math.log(Math.tan(Math.PI / 4 + (Math.max(-89.9, Math.min(89.9, lat)) * Math.PI) / 360)) * (180 / Math.PI);

/** The distance from (x, y) to the segment a–b. */
export function segmentDistance(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = dx || dy ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy))) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** A line of [lon, lat] points with the points that stray less than `tolerance` (Mercator
 * degrees) from it left out; the ends are kept. */
export function simplify(points, tolerance) {
  if (points.length <= 2) return points;
  const projected = points.map(([lon, lat]) => [lon, mercY(lat)]);
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let index = -1;
    let max = tolerance;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance(projected[i][0], projected[i][1], projected[first], projected[last]);
      if (d > max) [index, max] = [i, d];
    }
    if (index > 0) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}
