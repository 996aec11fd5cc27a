// Words come from the page (graph/includes/graph.html, translated there), never from here.

/** The strings in the component's <template data-graph-strings>: {key: text}. */
export function readStrings(section) {
  const strings = {};
  const template = section.querySelector("template[data-graph-strings]");
  if (template) {
    for (const item of template.content.querySelectorAll("[data-key]")) {
      strings[item.dataset.key] = item.textContent.trim().replace(/\s+/g, " ");
    }
  }
  return strings;
}

/** Fill {name} placeholders; numbers are written the page's way (1,234 / 1.234 / ١٬٢٣٤). */
export function format(text, values, locale) {
  const numbers = new Intl.NumberFormat(locale || undefined);
  return (text || "").replace(/\{(\w+)\}/g, (match, key) => {
    if (!(key in values)) return match;
    const value = values[key];
    return typeof value === "number" ? numbers.format(value) : String(value);
  });
}

/** A country's name in the page's language, from its ISO code. */
export function countryName(code, locale) {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([locale || "en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}
