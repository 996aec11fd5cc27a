// Progressive enhancement only: every page works without JavaScript.
// No inline scripts or styles anywhere (CSP: script-src 'self' + nonce, style-src 'self').

document.documentElement.classList.add("js");

// Pages that change their address in place (the map's and the graph's filters) announce it with
// an "unmask:urlchange" event; the footer's language links then keep the same filters and view.
function syncLanguageLinks() {
  for (const link of document.querySelectorAll(".languages a[hreflang]")) {
    const url = new URL(link.href);
    url.search = window.location.search;
    url.hash = window.location.hash;
    link.href = url.href;
  }
}
window.addEventListener("popstate", syncLanguageLinks);
document.addEventListener("unmask:urlchange", syncLanguageLinks);

// Folds (<details class="fold">: filters, a map's legend and list) are closed on a phone and
// shown on a wider screen by CSS (::details-content); where the browser lacks it, open them here.
if (!CSS.supports?.("selector(::details-content)") && window.matchMedia("(min-width: 48rem)").matches) {
  for (const fold of document.querySelectorAll("details.fold")) fold.open = true;
}

// The action form's target picker (only where the form is).
import "./targets.js";

// Printing: the sources and status histories folded into <details> are printed open, then
// folded again as they were.
let foldedForPrint = [];
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("main details:not([open])")) {
    details.open = true;
    foldedForPrint.push(details);
  }
});
window.addEventListener("afterprint", () => {
  for (const details of foldedForPrint) details.open = false;
  foldedForPrint = [];
});

// Offer the language the browser asks for, when the page is in another one.
import "./language.js";

// "Copy link" beside each claim's permalink (organization, product and claim pages) and the
// Follow panel's feeds.
import { enhanceCopyLinks } from "./copy.js";
enhanceCopyLinks();

// "Share or embed": copy buttons, the frame's height and preview (only where the section is).
import "./share.js";
