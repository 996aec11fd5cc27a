// The static mirror's search page (search/index.html, written by `unmask mirror`): pagefind's
// UI over the pagefind index in the mirror's pagefind/ folder, opened as files or from any static
// host, by one path.
//
// From file:// Chromium imports no module from a file and fetch() of a file fails, and pagefind
// imports pagefind.js (a module) and fetches its index. So the mirror writes each of pagefind's
// files also as a script that registers its bytes (<file>.js, base64; offline-data.js), and here:
// - pagefind.js is read from its script and imported from a blob: URL (allowed from file://),
//   by handing pagefind's UI the blob as its bundle path;
// - fetch() of an address in pagefind/ (the entry, the metadata, the WebAssembly, the index and
//   fragment chunks) is answered from those scripts, loaded when pagefind asks for them;
// - pagefind runs without its worker (noWorker), which could not load from a file either.
// The search is pagefind's own, over its own index; only the transport differs.
import { mirrorData, mirrorRoot } from "./offline-data.js";

function bytes(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Answer fetch() of the files in `bundle` from their scripts; leave any other request alone. */
function serveFrom(bundle) {
  const fetchOriginal = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const address = typeof input === "string" || input instanceof URL ? String(input) : input.url;
    const url = new URL(address, document.baseURI);
    url.search = "";
    url.hash = "";
    if (!url.href.startsWith(bundle)) return fetchOriginal(input, init);
    return mirrorData(url.href).then(
      (data) => new Response(bytes(data)),
      () => new Response(null, { status: 404, statusText: "Not in the mirror" }),
    );
  };
}

/** pagefind's own texts as the page gives them (<template data-search-strings>, translated by
 * the site's catalogues), so its search box speaks every language the site does, Kurdish too. */
function translations() {
  const template = document.querySelector("template[data-search-strings]");
  const out = {};
  if (!template) return out;
  for (const item of template.content.querySelectorAll("[data-key]")) {
    out[item.dataset.key] = item.textContent.trim();
  }
  return out;
}

async function start() {
  const element = document.querySelector("[data-search]");
  if (!element) return;
  const root = mirrorRoot();
  const bundle = new URL("pagefind/", root).href;
  serveFrom(bundle);
  const code = await mirrorData(`${bundle}pagefind.js`);
  const module = URL.createObjectURL(new Blob([bytes(code)], { type: "text/javascript" }));
  // PagefindUI imports `${bundlePath}pagefind.js`: after "#" that names the blob itself.
  new window.PagefindUI({
    element,
    bundlePath: `${module}#`,
    showSubResults: true,
    showImages: false,
    translations: translations(),
    // Passed on to pagefind: where its files are, where the pages are (results link to
    // <root><page>), and no worker.
    basePath: bundle,
    baseUrl: new URL(root).pathname,
    noWorker: true,
  });
}

start().catch((error) => {
  console.error(error);
  const note = document.querySelector("[data-search-failed]");
  if (note) note.hidden = false;
});
