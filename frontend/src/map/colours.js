// The map's colours, from the CSS custom properties in map.css (light and dark schemes): read by
// MapLibre's style (style.js) and by the first screen drawn before it (first-screen.js), which
// must not load MapLibre, so they live apart from the style.

/** The colours, from the CSS custom properties in map.css (light and dark schemes). */
export function readColours(element) {
  const style = getComputedStyle(element);
  const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    sea: get("--map-sea", "#dbe4ec"),
    land: get("--map-land", "#ffffff"),
    border: get("--map-border", "#a9a49a"),
    label: get("--map-label", "#53565d"),
    halo: get("--map-halo", "#ffffff"),
    road: get("--map-road", "#e4e0d8"),
    site: get("--map-site", "#b4134b"),
    siteText: get("--map-site-text", "#ffffff"),
    siteEdge: get("--map-site-edge", "#ffffff"),
    action: get("--map-action", "#1d5fa8"),
    actionText: get("--map-action-text", "#ffffff"),
    actionEdge: get("--map-action-edge", "#ffffff"),
    cancelled: get("--map-action-cancelled", "#8a8d93"),
  };
}
