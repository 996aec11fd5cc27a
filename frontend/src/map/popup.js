// The contents of the map's popups, built with DOM methods: every piece of data goes in as text,
// never as markup.

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== "") node.append(child);
  return node;
}

const joined = (...parts) => parts.filter(Boolean).join(" · ");

/** A message while the details load, or when they could not be. */
export function messagePopup(text) {
  return el("div", { class: "map-popup" }, el("p", { class: "map-popup-message", role: "status" }, text));
}

/**
 * A site, from /map/sites/<id>.json: the organization (its name links to its profile), the
 * site, how precisely its position is known, and its links to the program, each with its status.
 */
export function sitePopup(data, strings) {
  const { organization: org, site, links } = data;
  const root = el("div", { class: "map-popup" });
  root.append(
    el("h3", { class: "map-popup-title" }, el("a", { href: org.url }, org.name)),
    el("p", { class: "meta" }, joined(org.kind, org.country)),
    el(
      "p",
      { class: "map-popup-site" },
      joined(site.name, site.role),
      el("br"),
      joined(site.city, site.country),
    ),
    el("p", { class: "map-popup-precision" }, `${strings.text("precision")} `, el("strong", {}, site.precision)),
  );
  const heading = el("h4", {}, strings.text("links"));
  if (!links.length) {
    root.append(heading, el("p", { class: "meta" }, strings.text("no-links")));
  } else {
    const list = el("ul", { class: "map-popup-links" });
    for (const link of links) {
      const other = link.other_url ? el("a", { href: link.other_url }, link.other) : link.other;
      list.append(
        el(
          "li",
          {},
          `${link.text} `,
          other,
          link.product ? ` (${link.product})` : "",
          " ",
          el("span", { class: `status-badge status-${link.status_code}` }, link.status),
        ),
      );
    }
    root.append(heading, list);
  }
  if (data.more_links) {
    root.append(el("p", { class: "map-popup-more" }, el("a", { href: org.url }, strings.text("more-links"))));
  }
  return root;
}

/**
 * Several sites at one place (they never come apart by zooming in): a list to choose from.
 * `sites` are [{id, name, meta}]; `total` may be more than are listed.
 */
export function choicePopup(sites, total, strings, onChoose, prefix = "") {
  const list = el("ul", { class: "map-popup-choices" });
  for (const site of sites) {
    const button = el("button", { type: "button", class: "map-popup-choice" }, site.name);
    button.addEventListener("click", () => onChoose(site.id));
    list.append(el("li", {}, button, " ", el("span", { class: "meta" }, site.meta)));
  }
  const root = el("div", { class: "map-popup" }, el("h3", { class: "map-popup-title" }, strings.count(`${prefix}here`, total)), list);
  if (total > sites.length) root.append(el("p", { class: "meta" }, strings.count(`${prefix}more`, total - sites.length)));
  return root;
}

/**
 * An action, from the properties of its feature (campaign/geo.py): its title links to its page;
 * then when (at the place's own time), what and where; a cancelled one says so and is struck.
 */
export function actionPopup(p, url, when, cancelledText) {
  const cancelled = p.cancelled === true || p.cancelled === "true";
  const title = el("a", { href: url }, p.title);
  const root = el("div", { class: `map-popup map-popup-action${cancelled ? " cancelled" : ""}` });
  root.append(el("h3", { class: "map-popup-title" }, title));
  if (cancelled) root.append(el("p", {}, el("strong", { class: "action-cancelled" }, cancelledText)));
  root.append(
    el("p", { class: "map-popup-when" }, el("time", { datetime: p.start }, when)),
    el("p", { class: "meta" }, joined(p.kind, p.city)),
  );
  return root;
}

const formats = new Map();

/**
 * A start time as the place's clock shows it ("Sat 6 Jun 2026, 18:00 CEST"), from an ISO time
 * with its offset and the place's zone. A zone this browser does not know: the ISO time's own
 * date and clock time, which are already the place's.
 */
export function formatStart(iso, zone, lang) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return iso || "";
  const key = `${lang}|${zone}`;
  let format = formats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(lang, {
        weekday: "short",
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: zone,
        timeZoneName: "short",
      });
    } catch {
      format = null;
    }
    formats.set(key, format);
  }
  return format ? format.format(date) : iso.slice(0, 16).replace("T", " ");
}
