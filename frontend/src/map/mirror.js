// The map in the static mirror (`unmask mirror`; see offline-data.js), opened as files or from
// any static host, by one path:
//
// - MapLibre's worker: Chromium starts no worker from a file:// address, so the worker's source
//   comes from its script (<worker>.js, a string) and runs from a blob: URL. On a page of opaque
//   origin (file://) MapLibre reads that blob and starts a module worker from a data: URL, which
//   Chromium allows; over HTTP the blob: worker is of the page's own origin.
// - What MapLibre would fetch (the basemap's country shapes; the sites go in as data): the worker
//   cannot fetch a file:// address, so the style names it as unmask-mirror://mirror/<file>,
//   which MapLibre hands to the page (addProtocol), which reads it from its data script.
//
// On the live site none of this runs: the page names the worker file (CSP worker-src 'self').
import { addProtocol, setWorkerUrl } from "maplibre-gl";

import { isMirror, mirrorData, mirrorRoot } from "../offline-data.js";

const PROTOCOL = "unmask-mirror";
const PREFIX = `${PROTOCOL}://mirror/`;

let started = null;

/** The address MapLibre gets for the data file `url`: itself on the site, ours in the mirror. */
export function sourceUrl(url) {
  if (!isMirror()) return url;
  const root = mirrorRoot();
  return url.startsWith(root) ? PREFIX + url.slice(root.length) : url;
}

/** Set MapLibre up for the mirror, once: its worker from `worker`'s script, our protocol. */
export function startMirror(worker) {
  started ??= (async () => {
    addProtocol(PROTOCOL, async (request, controller) => {
      const data = await mirrorData(new URL(request.url.slice(PREFIX.length), mirrorRoot()).href);
      if (controller.signal.aborted) throw new DOMException("Aborted", "AbortError");
      return { data };
    });
    const source = await mirrorData(worker);
    setWorkerUrl(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
  })();
  return started;
}
