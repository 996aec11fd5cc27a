// The static mirror's search page (search/index.html, written by `unmask mirror`): a box and a
// list of results over pagefind's JavaScript API and its index in the mirror's pagefind/ folder,
// opened as files or from any static host. Its words come from the page (translated there).
//
// Over http(s) pagefind loads its own files (pagefind.js, its WebAssembly, index and fragments),
// as they are. From file:// Chromium imports no module from a file and fetch() of a file fails,
// so the mirror writes each of pagefind's files also as a script that registers its bytes
// (<file>.js, base64; offline-data.js), and only there:
// - pagefind.js is read from its script and imported from a blob: URL (allowed from file://);
// - fetch() of an address in pagefind/ is answered from those scripts, loaded when asked for.
// Either way pagefind runs without its worker (noWorker): one file less to load, and a worker
// could not start from a file.
import { mirrorData, mirrorRoot } from "./offline-data.js";

const PAGE_SIZE = 5; // results shown at once: each one reads its fragment of the index

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

/** pagefind's module, with its files where the mirror keeps them. */
async function loadPagefind() {
  const root = mirrorRoot();
  const bundle = new URL("pagefind/", root).href;
  let module = `${bundle}pagefind.js`;
  if (location.protocol === "file:") {
    serveFrom(bundle);
    const code = await mirrorData(module);
    module = URL.createObjectURL(new Blob([bytes(code)], { type: "text/javascript" }));
  }
  const pagefind = await import(module);
  // Results link to <root><page>; the index is the one of the page's <html lang>.
  await pagefind.options({ basePath: bundle, baseUrl: new URL(root).pathname, noWorker: true });
  await pagefind.init();
  return pagefind;
}

/** The page's words (<template data-search-strings>, translated by the site's catalogues). */
function words() {
  const template = document.querySelector("template[data-search-strings]");
  const out = {};
  if (!template) return out;
  for (const item of template.content.querySelectorAll("[data-key]")) {
    out[item.dataset.key] = item.textContent.trim();
  }
  return out;
}

/** `text` with [SEARCH_TERM] and [COUNT] filled in, as text (never markup); the term isolated
 * (U+2068...U+2069), so a Latin term keeps its place in an Arabic sentence and the reverse. */
function fill(text, values) {
  return (text || "").replace(/\[(SEARCH_TERM|COUNT)\]/g, (_m, key) =>
    key === "SEARCH_TERM" ? `\u2068${values[key]}\u2069` : values[key],
  );
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decode(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** pagefind's excerpt (escaped page text with <mark> around the matches) as DOM nodes: only
 * the <mark>s become elements, everything else is text. */
function excerptNodes(excerpt) {
  const nodes = [];
  excerpt.split(/(<mark>[\s\S]*?<\/mark>)/).forEach((part) => {
    if (!part) return;
    const marked = part.startsWith("<mark>") && part.endsWith("</mark>");
    const text = decode((marked ? part.slice(6, -7) : part).replace(/<[^>]*>/g, ""));
    if (!marked) return nodes.push(document.createTextNode(text));
    const mark = document.createElement("mark");
    mark.textContent = text;
    nodes.push(mark);
  });
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.dataset.searchResult = "";
  const title = document.createElement("strong");
  title.dir = "auto"; // a name may be written in another script than the page's
  title.textContent = data.meta?.title || data.url;
  link.append(title);
  // Page text, in the page's language and direction (not .meta, which takes the direction of
  // its first letter: an Arabic excerpt may start with a Latin name).
  const excerpt = document.createElement("small");
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(link, excerpt);
  return item;
}

function start() {
  const box = document.querySelector("[data-search]");
  if (!box) return;
  const input = box.querySelector("input");
  const status = document.querySelector("[data-search-status]");
  const list = document.querySelector("[data-search-results]");
  const more = document.querySelector("[data-search-more]");
  const text = words();
  const language = document.documentElement.lang || undefined;
  const plural = new Intl.PluralRules(language);
  const number = new Intl.NumberFormat(language);
  let pagefind = null;
  let found = []; // the current search's results, not yet shown ones included
  let shown = 0;
  let current = 0; // the latest search: an older one's answer is dropped

  const failed = (error) => {
    console.error(error);
    const note = document.querySelector("[data-search-failed]");
    if (note) note.hidden = false;
  };
  const loading = () => {
    pagefind ??= loadPagefind();
    return pagefind;
  };

  async function showMore(search) {
    const next = found.slice(shown, shown + PAGE_SIZE);
    more.disabled = true; // one page at a time: a second click would show the same results
    try {
      const items = await Promise.all(next.map((result) => result.data()));
      if (search !== current) return;
      list.append(...items.map(resultItem));
      shown += next.length;
      more.hidden = shown >= found.length;
    } finally {
      more.disabled = false;
    }
  }

  async function run() {
    const search = ++current;
    const term = input.value.trim();
    if (!term) {
      found = [];
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    status.textContent = fill(text.searching, { SEARCH_TERM: term });
    const api = await loading();
    const answer = await api.debouncedSearch(term, {}, 200);
    if (answer === null || search !== current) return; // a later keystroke took over
    found = answer.results;
    shown = 0;
    list.replaceChildren();
    const count = number.format(found.length);
    const key = !found.length ? "zero_results" : plural.select(found.length) === "one" ? "one_result" : "many_results";
    await showMore(search);
    if (search === current) status.textContent = fill(text[key], { SEARCH_TERM: term, COUNT: count });
  }

  input.addEventListener("focus", () => loading().catch(failed), { once: true });
  input.addEventListener("input", () => run().catch(failed));
  more.addEventListener("click", () => showMore(current).catch(failed));
  // The arrow keys go from the box through the results and back.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = [input, ...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    const to = links[at + (event.key === "ArrowDown" ? 1 : -1)];
    if (!to) return;
    event.preventDefault();
    to.focus();
  });
  box.hidden = false;
  if (input.value) run().catch(failed); // typed before the script ran, or kept by the browser
}

start();
