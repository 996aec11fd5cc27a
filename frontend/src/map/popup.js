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
export function choicePopup(sites, total, strings, onChoose) {
  const list = el("ul", { class: "map-popup-choices" });
  for (const site of sites) {
    const button = el("button", { type: "button", class: "map-popup-choice" }, site.name);
    button.addEventListener("click", () => onChoose(site.id));
    list.append(el("li", {}, button, " ", el("span", { class: "meta" }, site.meta)));
  }
  const root = el("div", { class: "map-popup" }, el("h3", { class: "map-popup-title" }, strings.count("here", total)), list);
  if (total > sites.length) root.append(el("p", { class: "meta" }, strings.count("more", total - sites.length)));
  return root;
}
