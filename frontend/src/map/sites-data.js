// The record's sites as columns of typed arrays, and their clusters (supercluster, the library
// MapLibre's own clustering came from): read from the compact payload (src/unmask/maps/compact.py)
// or from the GeoJSON (the static mirror's data, and maps other than the record's). This module
// runs in the sites' worker (sites-worker.js) and, in the mirror, where no worker starts from a
// file, on the page itself (sites-source.js); it touches neither the DOM nor MapLibre.
//
// A site's point carries its key `k` (its index in the columns, as text), its organization's
// index `o`, its role `r` and precision `p`; its public id, needed only to open it, is asked for
// by key (`id`): the compact payload's ids come in a second request, read while the sites are
// clustered. A cluster carries what MapLibre's carried: cluster, cluster_id, point_count,
// point_count_abbreviated.
import Supercluster from "supercluster";

import { CLUSTER_MAX_ZOOM, SITES_CLUSTER_RADIUS } from "./clusters.js";

const MAGIC = "UMS2";
const IDS_MAGIC = "UMI1";
const SCALE = 100000; // units per degree (compact.py's SCALE)

/**
 * Columns of the compact payload. Its numbers are little-endian, as every browser's typed
 * arrays are, so they are read in place; the coordinates are differences from the site before.
 */
function readFrame(buffer, magic) {
  const bytes = new Uint8Array(buffer);
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== magic) throw new Error("not a sites payload");
  const view = new DataView(buffer);
  const length = view.getUint32(4, true);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  return { bytes, length, header, offset: 12 + headerLength };
}

export function readCompact(buffer) {
  const { length, header, offset: start } = readFrame(buffer, MAGIC);
  let offset = start;
  const take = (Type, size) => {
    const values = new Type(buffer, offset, length);
    offset += length * size;
    return values;
  };
  const lonSteps = take(Int32Array, 4);
  const latSteps = take(Int32Array, 4);
  const org = take(Uint32Array, 4).slice(); // its own buffer: handed to the page
  const role = take(Uint8Array, 1).slice();
  const precision = take(Uint8Array, 1).slice();
  const lon = new Float64Array(length);
  const lat = new Float64Array(length);
  let x = 0;
  let y = 0;
  for (let i = 0; i < length; i++) {
    x += lonSteps[i];
    y += latSteps[i];
    lon[i] = x / SCALE;
    lat[i] = y / SCALE;
  }
  return {
    length,
    orgs: header.organizations,
    roles: header.roles,
    precisions: header.precisions,
    lon,
    lat,
    org,
    role,
    precision,
    idsCheck: header.idsCheck,
  };
}

/** The public ids of the compact payload's sites (maps/compact.py's second payload). */
export function readIds(buffer) {
  const { bytes, length, header, offset } = readFrame(buffer, IDS_MAGIC);
  let ids = header.ids;
  if (!ids) {
    const width = header.idWidth;
    const text = new TextDecoder("ascii").decode(bytes.subarray(offset, offset + length * width));
    ids = new Array(length);
    for (let i = 0; i < length; i++) ids[i] = text.slice(i * width, (i + 1) * width).trimEnd();
  }
  return { check: header.idsCheck, ids };
}

/** The same columns from the GeoJSON (maps/geojson.py's FeatureCollection). */
export function readGeoJSON(data) {
  const features = data.features || [];
  const length = features.length;
  const roles = [];
  const precisions = [];
  const tables = [new Map(), new Map()];
  const code = (table, list, value) => {
    let index = table.get(value);
    if (index === undefined) {
      index = list.push(value ?? "") - 1;
      table.set(value, index);
    }
    return index;
  };
  const columns = {
    length,
    orgs: data.organizations || [],
    roles,
    precisions,
    lon: new Float64Array(length),
    lat: new Float64Array(length),
    org: new Uint32Array(length),
    role: new Uint8Array(length),
    precision: new Uint8Array(length),
    ids: new Array(length),
  };
  features.forEach((feature, i) => {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    columns.lon[i] = lon;
    columns.lat[i] = lat;
    columns.org[i] = p.o;
    columns.ids[i] = p.s;
    columns.role[i] = code(tables[0], roles, p.r);
    columns.precision[i] = code(tables[1], precisions, p.p);
  });
  return columns;
}

/** The sites in the order the list names them: by organization name, then as they came. */
export function listOrder(columns, collator) {
  const { orgs, org, length } = columns;
  const byName = orgs.map((_, i) => i).sort((a, b) => collator.compare(orgs[a][1], orgs[b][1]));
  const rank = new Int32Array(orgs.length);
  byName.forEach((index, r) => (rank[index] = r));
  // A counting sort: linear in the sites.
  const starts = new Int32Array(orgs.length + 1);
  for (let i = 0; i < length; i++) starts[rank[org[i]] + 1] += 1;
  for (let r = 0; r < orgs.length; r++) starts[r + 1] += starts[r];
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) order[starts[rank[org[i]]]++] = i;
  return order;
}

/** Every site clustered at every zoom, as MapLibre's clustered source of the sites was. */
export function clusterIndex(columns) {
  const { length, lon, lat, org, role, precision, roles, precisions } = columns;
  const points = new Array(length);
  for (let i = 0; i < length; i++) {
    points[i] = {
      type: "Feature",
      geometry: { type: "Point", coordinates: [lon[i], lat[i]] },
      properties: { k: String(i), o: org[i], r: roles[role[i]], p: precisions[precision[i]] },
    };
  }
  return new Supercluster({ radius: SITES_CLUSTER_RADIUS, extent: 512, maxZoom: CLUSTER_MAX_ZOOM, minPoints: 2 }).load(points);
}

/** The ids of a compact payload, from the second request; "stale" when they are not those of
 * the columns (one payload came from the cache's last build after an edit). */
async function fetchIds(url, check) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const read = readIds(await response.arrayBuffer());
  if (read.check !== check) throw new Error("stale");
  return read.ids;
}

/**
 * What a page asks of the sites, wherever it runs: load them, then the clusters of a view, a
 * cluster's expansion zoom and its sites, a site's public id. `load` answers the columns the
 * page lists and fits the map to (what it can hand over, `transfer`).
 */
export function sitesService() {
  let index = null;
  let ids = null; // a promise of the public ids
  return {
    async load({ url, idsUrl, geojson, lang }) {
      const now = () => performance.timeOrigin + performance.now(); // the same clock on both sides
      const timing = {};
      let columns;
      if (geojson) {
        columns = readGeoJSON(geojson);
      } else {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const compact = (response.headers.get("Content-Type") || "").includes("unmask.sites");
        const body = compact ? await response.arrayBuffer() : await response.json();
        timing.fetched = now();
        columns = compact ? readCompact(body) : readGeoJSON(body);
      }
      if (columns.ids) {
        ids = Promise.resolve(columns.ids);
      } else {
        // Fetched while the sites are read and clustered: nothing drawn waits for them.
        ids = fetchIds(idsUrl, columns.idsCheck);
        ids.catch(() => {}); // told when a site is opened
      }
      timing.read = now();
      const order = listOrder(columns, new Intl.Collator(lang, { sensitivity: "base", numeric: true }));
      index = clusterIndex(columns);
      timing.clustered = now();
      const { ids: _ids, ...rest } = columns; // the page asks for an id when it needs one
      const answer = { ...rest, order, timing };
      return { answer, transfer: [columns.lon.buffer, columns.lat.buffer, columns.org.buffer, order.buffer] };
    },
    clusters(bbox, zoom) {
      return { answer: index ? index.getClusters(bbox, zoom) : [] };
    },
    expansionZoom(clusterId) {
      return { answer: index.getClusterExpansionZoom(clusterId) };
    },
    leaves(clusterId, limit, offset) {
      return { answer: index.getLeaves(clusterId, limit, offset) };
    },
    async id(key) {
      return { answer: (await ids)[Number(key)] };
    },
  };
}
