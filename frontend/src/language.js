// A first visit in a language the reader's browser does not ask for: offer the one it asks
// for, never switch by itself. The offer is a link to this page in that language (the URL
// prefix carries the language: no cookie); closing it is remembered for this tab only
// (sessionStorage), and nothing leaves the browser.

const KEY = "unmask-language-offer";

function offer() {
  const menu = document.querySelector(".language-menu");
  if (!menu || sessionStorage.getItem(KEY)) return;
  const current = document.documentElement.lang;
  const links = [...menu.querySelectorAll("a[hreflang]")];
  let wanted = null;
  for (const asked of navigator.languages || []) {
    const code = asked.toLowerCase();
    wanted = links.find((a) => a.hreflang === code) || links.find((a) => a.hreflang === code.split("-")[0]);
    if (wanted) break;
  }
  if (!wanted || wanted.hreflang === current) return;
  const bar = document.createElement("div");
  bar.className = "language-offer";
  bar.setAttribute("role", "region");
  bar.setAttribute("aria-label", menu.querySelector("summary .visually-hidden")?.textContent.replace(/[:\s]+$/, "") || "");
  const link = document.createElement("a");
  link.href = wanted.getAttribute("href");
  link.lang = wanted.hreflang;
  link.hreflang = wanted.hreflang;
  link.dir = "auto";
  link.textContent = wanted.textContent.trim();
  const close = document.createElement("button");
  close.type = "button";
  close.className = "language-offer-close";
  close.textContent = "×";
  close.setAttribute(
    "aria-label",
    document.querySelector("[data-language-strings]")?.content.querySelector('[data-key="close"]')?.textContent || "×",
  );
  close.addEventListener("click", () => {
    sessionStorage.setItem(KEY, "closed");
    bar.remove();
  });
  link.addEventListener("click", () => sessionStorage.setItem(KEY, "followed"));
  bar.append(link, close);
  // After the skip link, which stays the first thing a keyboard reaches.
  const skip = document.querySelector(".skip");
  if (skip) skip.after(bar);
  else document.body.prepend(bar);
}

try {
  offer();
} catch {
  // sessionStorage may be refused (private modes): then no offer, as without JavaScript.
}
