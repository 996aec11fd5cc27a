// JSON data in the static mirror (`unmask mirror`, src/unmask/exchange/mirror.py).
//
// Mirrored pages carry <meta name="unmask-mirror">. There, every JSON file the map and the graph
// would fetch (with its query) is also written as a small script that registers it, because
// fetch() of a file:// address fails in Chromium and a static host ignores the query string:
//
//   map/sites.geojson?org=AB12  →  map/sites.geojson.q-org=AB12.js
//
// (query parameters sorted by name, each character other than A-Z a-z 0-9 = _ . - made "_"),
// whose content is  (self.unmaskMirrorData = self.unmaskMirrorData || {})[document.currentScript.src] = {...};
// Site addresses inside the data (a node's page, a site's organization) are written there as
// "mirror:<file>", which fetchJSON() resolves against the mirror's root (the meta's content).
// On the live site fetchJSON() is fetch() plus the status check and .json() the callers did.
//
// Files that are no JSON get such a script too, <file>.js (mirrorData() reads them): MapLibre's
// worker (its source, a string; map/mirror.js), and pagefind's files (their bytes, base64;
// mirror-search.js). Classic scripts load from file:// where fetch(), module scripts and workers
// from a file do not, so the map and the search work from files as from any static host.

const scripts = new Map();

const PREFIX = "mirror:";

function mirrorMeta() {
  return document.querySelector('meta[name="unmask-mirror"]');
}

export function isMirror() {
  return mirrorMeta() !== null;
}

/** The mirror's root folder, as an absolute URL ending in "/" (mirror only). */
export function mirrorRoot() {
  return new URL(mirrorMeta().content || "./", document.baseURI).href;
}

function resolveLinks(value, root) {
  if (typeof value === "string") return value.startsWith(PREFIX) ? new URL(value.slice(PREFIX.length), root).href : value;
  if (Array.isArray(value)) return value.map((item) => resolveLinks(item, root));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveLinks(item, root)]));
  }
  return value;
}

/** Where the mirror keeps `url`'s data as a script (see above). */
export function dataScriptUrl(url) {
  const address = new URL(url, document.baseURI);
  const params = [...address.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams(params).toString().replace(/[^A-Za-z0-9=_.-]/g, "_");
  address.search = "";
  address.hash = "";
  return `${address.href}${query ? `.q-${query}` : ""}.js`;
}

function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(
      src,
      new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.onload = () => {
          const data = (self.unmaskMirrorData || {})[script.src];
          // Read once: the page keeps no second copy of a large file (a worker, an index).
          if (self.unmaskMirrorData) delete self.unmaskMirrorData[script.src];
          resolve(typeof data === "string" ? data : resolveLinks(data, mirrorRoot()));
        };
        script.onerror = () => {
          scripts.delete(src);
          reject(new Error(`not in the mirror: ${src}`));
        };
        document.head.append(script);
      }),
    );
  }
  return scripts.get(src);
}

/**
 * The JSON at `url`: fetched on the site, read from its data script in the mirror. With
 * `exact: false` the mirror gives the data without the query (a site's popup there lists all of
 * its links, not only those of the page's filters: one file per site, not one per site and page).
 */
export async function fetchJSON(url, options = {}, { exact = true } = {}) {
  if (!isMirror()) {
    const response = await fetch(url, options);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }
  let address = url;
  if (!exact) {
    const plain = new URL(url, document.baseURI);
    plain.search = "";
    address = plain.href;
  }
  const data = await loadScript(dataScriptUrl(address));
  if (options.signal?.aborted) throw new DOMException("Aborted", "AbortError");
  if (data === undefined) throw new Error(`not in the mirror: ${url}`);
  return data;
}

/**
 * What the script of the mirror file `url` (without its query) registered: JSON data, a text or
 * base64 bytes. Mirror only; rejects when the mirror holds no such script.
 */
export async function mirrorData(url) {
  const address = new URL(url, document.baseURI);
  address.search = "";
  address.hash = "";
  const data = await loadScript(`${address.href}.js`);
  if (data === undefined) throw new Error(`not in the mirror: ${url}`);
  return data;
}
