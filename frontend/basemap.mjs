// The map's offline basemap: Natural Earth country shapes (world-atlas, 1:50m) as GeoJSON, made
// at build time for Web Mercator and MapLibre's flat world:
//
// - longitudes are unwrapped along each ring, so no segment jumps across the antimeridian (Russia
//   and Fiji are drawn past ±180°; MapLibre draws them on the neighbouring world copy too);
// - a ring that goes once around the pole (Antarctica) is closed along the bottom of the map, and
//   the tiny polar cap ring of the 1:50m data, which has no area on a flat map, is dropped;
// - latitudes are capped at ±85° (Web Mercator ends at ±85.05°);
// - outer rings run counter-clockwise and holes clockwise (RFC 7946);
// - coordinates are rounded to 0.01° (about a kilometre, finer than the 1:50m scale's accuracy).
//
// Each country also gets a label point (feature property "l": 1): a point well inside its largest
// polygon in Mercator space, so the name sits where the eye expects it. Properties are short:
// "c" the ISO 3166 numeric code (map.js looks the name up in the page's language), "n" the
// English name as a fallback, "r" the rank by area (0 = largest), which orders label placement.
// bounds.json beside it: each country's main land as [west, south, east, north], by numeric code.
//
// Two more files come from the Natural Earth extracts in data/ (data/README.md): regions.json,
// the first-level boundaries (states, provinces) as lines, and places.json, the populated places
// with their names and ranks. The map loads each as a source of its own.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

import { mercY, segmentDistance, simplify } from "./geometry.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));

const MAX_LAT = 85;
const DECIMALS = 2;
const TOLERANCE = 0.02; // Mercator degrees: 2 px at zoom 7
const round = (v) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS;

function unwrap(ring) {
  const out = [[ring[0][0], ring[0][1]]];
  for (let i = 1; i < ring.length; i++) {
    let lon = ring[i][0];
    const prev = out[i - 1][0];
    while (lon - prev > 180) lon -= 360;
    while (lon - prev < -180) lon += 360;
    out.push([lon, ring[i][1]]);
  }
  return out;
}

function signedArea(ring) {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum / 2; // > 0: counter-clockwise
}

// One ring, ready for a flat map; null when nothing of it is left.
function flatRing(ring) {
  let pts = unwrap(ring);
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (Math.abs(last[0] - first[0]) > 180) {
    // Once around the pole: close the ring along the edge of the map, on the pole's side.
    const meanLat = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    const edge = meanLat < 0 ? -MAX_LAT : MAX_LAT;
    // Along the edge in steps of at most 90°: no segment of the ring spans the whole world.
    const steps = Math.ceil(Math.abs(first[0] - last[0]) / 90);
    for (let i = 0; i <= steps; i++) pts.push([last[0] + ((first[0] - last[0]) * i) / steps, edge]);
    pts.push([first[0], first[1]]);
  }
  pts = pts.map(([lon, lat]) => [round(lon), round(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)))]);
  const out = [];
  for (const p of pts) {
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push(p);
  }
  const a = out[0];
  const z = out[out.length - 1];
  if (a[0] !== z[0] || a[1] !== z[1]) out.push([a[0], a[1]]);
  if (out.length < 4 || Math.abs(signedArea(out)) < 1e-6) return null;
  return out;
}

function flatPolygon(rings) {
  const kept = rings.map(flatRing).filter(Boolean);
  if (!kept.length) return null;
  // The first ring left is the outer one: counter-clockwise; holes clockwise.
  return kept.map((ring, i) => ((signedArea(ring) > 0) === (i === 0) ? ring : ring.reverse()));
}

// --- label points ------------------------------------------------------------------------------

const invMercY = (y) => (Math.atan(Math.exp((y * Math.PI) / 180)) * 360) / Math.PI - 90;

function insideRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// How far inside the polygon a point is; -Infinity outside.
function depth(x, y, rings) {
  if (!insideRing(x, y, rings[0])) return -Infinity;
  for (let r = 1; r < rings.length; r++) if (insideRing(x, y, rings[r])) return -Infinity;
  let min = Infinity;
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) min = Math.min(min, segmentDistance(x, y, ring[i - 1], ring[i]));
  }
  return min;
}

// A point deep inside the polygon: a coarse grid, then finer grids around the best so far.
function labelPoint(polygon) {
  const rings = polygon.map((ring) => ring.map(([lon, lat]) => [lon, mercY(lat)]));
  const xs = rings[0].map((p) => p[0]);
  const ys = rings[0].map((p) => p[1]);
  let [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best = { x: (minX + maxX) / 2, y: (minY + maxY) / 2, d: -Infinity };
  best.d = depth(best.x, best.y, rings);
  const steps = 16;
  for (let round = 0; round < 4; round++) {
    const w = (maxX - minX) / steps;
    const h = (maxY - minY) / steps;
    for (let i = 0; i <= steps; i++) {
      for (let j = 0; j <= steps; j++) {
        const x = minX + i * w;
        const y = minY + j * h;
        const d = depth(x, y, rings);
        if (d > best.d) best = { x, y, d };
      }
    }
    [minX, maxX, minY, maxY] = [best.x - 2 * w, best.x + 2 * w, best.y - 2 * h, best.y + 2 * h];
  }
  let lon = best.x;
  while (lon > 180) lon -= 360;
  while (lon < -180) lon += 360;
  return [round(lon), round(invMercY(best.y))];
}

// Area on the sphere is what ranks a country; the planar lon/lat area, scaled by the cosine of
// the latitude, is close enough for that.
function roughArea(polygon) {
  const outer = polygon[0];
  const meanLat = outer.reduce((s, p) => s + p[1], 0) / outer.length;
  return Math.abs(signedArea(outer)) * Math.cos((meanLat * Math.PI) / 180);
}

// --- simplification ------------------------------------------------------------------------------

// Douglas–Peucker on one arc, in Mercator space so the error is the same on screen everywhere.
// Simplify the topology's arcs, which countries share: neighbours keep one common border.
function simplifyTopology(topo, tolerance) {
  const { scale, translate } = topo.transform;
  topo.arcs = topo.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    const points = arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * scale[0] + translate[0], y * scale[1] + translate[1]];
    });
    const simple = simplify(points, tolerance);
    // A small island is one closed arc: keep its shape rather than let it collapse.
    const closed = points.length > 1 && points[0][0] === points.at(-1)[0] && points[0][1] === points.at(-1)[1];
    return closed && simple.length < 5 ? points : simple;
  });
  delete topo.transform;
}

// -------------------------------------------------------------------------------------------------

export async function buildBasemap(outFile, { scale = "50m", tolerance = TOLERANCE } = {}) {
  const require = createRequire(import.meta.url);
  const source = require.resolve(`world-atlas/countries-${scale}.json`);
  const topo = JSON.parse(await readFile(source, "utf8"));
  simplifyTopology(topo, tolerance);
  const countries = feature(topo, topo.objects.countries).features;

  const shapes = [];
  const labels = [];
  const bounds = {};
  for (const country of countries) {
    const geometry = country.geometry;
    if (!geometry) continue;
    const polygons = (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates)
      .map(flatPolygon)
      .filter(Boolean);
    if (!polygons.length) continue;
    const code = country.id ? String(country.id).padStart(3, "0") : "";
    shapes.push({
      type: "Feature",
      properties: { c: code },
      geometry: polygons.length === 1
        ? { type: "Polygon", coordinates: polygons[0] }
        : { type: "MultiPolygon", coordinates: polygons },
    });
    const areas = polygons.map(roughArea);
    const largest = polygons[areas.indexOf(Math.max(...areas))];
    if (code) bounds[code] = countryBounds(polygons, areas);
    if (code === "010") continue; // Antarctica: no label on the map's bottom edge
    labels.push({
      area: areas.reduce((a, b) => a + b, 0),
      feature: {
        type: "Feature",
        properties: { l: 1, c: code, n: country.properties.name },
        geometry: { type: "Point", coordinates: labelPoint(largest) },
      },
    });
  }
  labels.sort((a, b) => b.area - a.area);
  const named = new Set();
  labels.forEach((label, rank) => {
    const properties = label.feature.properties;
    properties.r = rank;
    // A territory filed under a larger country's code (Ashmore and Cartier under Australia)
    // keeps its own name rather than repeat the country's.
    if (named.has(properties.c)) properties.c = "";
    named.add(properties.c);
  });

  const collection = {
    type: "FeatureCollection",
    features: [...shapes, ...labels.map((label) => label.feature)],
  };
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, JSON.stringify(collection));
  await writeFile(resolve(dirname(outFile), "bounds.json"), JSON.stringify(bounds));
  return { countries: shapes.length, bytes: JSON.stringify(collection).length };
}

// What the map shows of a country when it is chosen (the place picker): the box of its main
// land, the largest polygon and those at least a quarter of its size (Alaska's ratio to the
// other states is under that; distant islands and overseas departments never count).
function countryBounds(polygons, areas) {
  const largest = Math.max(...areas);
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  polygons.forEach((polygon, i) => {
    if (areas[i] < largest / 4) return;
    for (const [lon, lat] of polygon[0]) {
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
  });
  return [west, south, east, north];
}

// --- first-level boundaries and populated places (data/, see data/README.md) ----------------------

/**
 * The map's admin-1 boundaries (lines inside each country, one feature per country) from
 * data/admin1-lines.json, unwrapped across the antimeridian like the country shapes.
 */
export async function buildRegions(outFile, source = resolve(HERE, "data/admin1-lines.json")) {
  const collection = JSON.parse(await readFile(source, "utf8"));
  const features = collection.features
    .filter((feature) => feature.properties.c !== "ata") // Antarctic claims are no provinces
    .map((feature) => ({
      type: "Feature",
      properties: { c: feature.properties.c },
      geometry: { type: "MultiLineString", coordinates: feature.geometry.coordinates.map(unwrap) },
    }));
  const body = JSON.stringify({ type: "FeatureCollection", features });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, body);
  return { countries: features.length, bytes: body.length };
}

/**
 * The map's populated places from data/places.json: points with "n" (the name), "n_<lang>" (the
 * name in a language of the site, where it differs), "z" (Natural Earth's min_zoom: from which
 * zoom it is labelled), "r" (rank: the order in which labels are placed, 0 first) and "k": 1 for
 * a capital.
 */
export async function buildPlaces(outFile, source = resolve(HERE, "data/places.json")) {
  const rows = JSON.parse(await readFile(source, "utf8"));
  const features = rows.map(([lon, lat, zoom, rank, capital, name, names = {}]) => {
    const properties = { n: name, z: zoom, r: rank };
    if (capital) properties.k = 1;
    for (const [lang, local] of Object.entries(names)) properties[`n_${lang}`] = local;
    return { type: "Feature", properties, geometry: { type: "Point", coordinates: [lon, lat] } };
  });
  const body = JSON.stringify({ type: "FeatureCollection", features });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, body);
  return { places: features.length, bytes: body.length };
}
