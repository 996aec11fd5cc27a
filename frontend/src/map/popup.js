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

/**
 * A popup's box, in the page's language and direction: MapLibre puts popups in the map's
 * canvas container, which may be laid out left to right.
 */
function popupRoot(className, ...children) {
  const { lang, dir } = document.documentElement;
  return el("div", { class: className, lang: lang || "en", dir: dir || "ltr" }, ...children);
}

/** A message while the details load, or when they could not be. */
export function messagePopup(text) {
  return popupRoot("map-popup", el("p", { class: "map-popup-message", role: "status" }, text));
}

/**
 * A site, from /map/sites/<id>.json: the organization (its name links to its profile), the
 * site, how precisely its position is known, its links to the program, each with its status,
 * and what other apps add to the JSON (maps/signals.py): the campaign's upcoming actions aimed
 * here and where to announce one.
 */
export function sitePopup(data, strings) {
  const { organization: org, site, links } = data;
  const root = popupRoot("map-popup");
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
  // A page whose map template lacks these strings (maps/includes/popup_strings.html) shows none.
  if (Array.isArray(data.actions) && strings.text("popup-actions")) root.append(...siteActions(data, strings));
  return root;
}

/**
 * The upcoming actions aimed at a site or its organization (campaign/map_popup.py): each title
 * links to its page, with its time at the place (in the page's language), then how many more
 * there are and the link to announce one here.
 */
function siteActions(data, strings) {
  const parts = [el("h4", {}, strings.text("popup-actions"))];
  if (data.actions.length) {
    const list = el("ul", { class: "map-popup-actions" });
    for (const action of data.actions) {
      const item = el("li", action.cancelled ? { class: "cancelled" } : {}, el("a", { href: action.url, dir: "auto" }, action.title));
      if (action.cancelled) item.append(" ", el("strong", { class: "action-cancelled" }, strings.text("popup-cancelled")));
      const when = el("time", { datetime: action.start }, formatStart(action.start, action.zone, strings.lang));
      item.append(" ", el("span", { class: "meta" }, when, ...[action.kind, action.city].filter(Boolean).map((part) => ` · ${part}`)));
      list.append(item);
    }
    parts.push(list);
  } else {
    parts.push(el("p", { class: "meta" }, strings.text("popup-no-actions")));
  }
  if (data.more_actions > 0) {
    const more = strings.count("popup-more-actions", data.more_actions);
    parts.push(el("p", { class: "map-popup-more" }, data.actions_url ? el("a", { href: data.actions_url }, more) : more));
  }
  if (data.announce_url) {
    parts.push(el("p", { class: "map-popup-announce" }, el("a", { href: data.announce_url }, strings.text("popup-announce"))));
  }
  return parts;
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
  const root = popupRoot("map-popup", el("h3", { class: "map-popup-title" }, strings.count(`${prefix}here`, total)), list);
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
  const root = popupRoot(`map-popup map-popup-action${cancelled ? " cancelled" : ""}`);
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
