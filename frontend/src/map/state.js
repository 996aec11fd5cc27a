// The map's state in the address: filters in the query string (only those that are set;
// `active=1`), the position in the hash (#zoom/latitude/longitude), so a shared link opens the
// same view. The keys are the page's (config.filterKeys): the record's map by default, the
// actions map's (call, group, country, city, kind) on the campaign's.

export const FILTER_KEYS = ["product", "relation", "status", "kind", "country", "active", "org"];
const TRUE = new Set(["1", "true", "on", "yes"]);

function clean(entries, keys) {
  const params = {};
  for (const [key, raw] of entries) {
    const value = String(raw).trim();
    if (!keys.includes(key) || !value) continue;
    if (key === "active") {
      if (TRUE.has(value.toLowerCase())) params.active = "1";
    } else {
      params[key] = value;
    }
  }
  return params;
}

export const paramsFromSearch = (search, keys = FILTER_KEYS) => clean(new URLSearchParams(search), keys);
export const paramsFromForm = (form, keys = FILTER_KEYS) => clean(new FormData(form), keys);

/** Sorted, so the same filters always make the same URL (and hit the same cache entry). */
export function queryString(params) {
  const query = new URLSearchParams();
  for (const key of Object.keys(params).sort()) if (params[key]) query.set(key, params[key]);
  return query.toString();
}

export const sameParams = (a, b) => queryString(a) === queryString(b);

/** Set the form's fields to `params` (fields missing from `params` are cleared). */
export function fillForm(form, params, keys = FILTER_KEYS) {
  for (const field of form.elements) {
    if (!keys.includes(field.name)) continue;
    if (field.type === "checkbox") field.checked = Boolean(params[field.name]);
    else field.value = params[field.name] || "";
  }
}

/** The fields of the form that it shows; others (an `org` in a shared link) are kept as they are. */
export function formKeys(form) {
  return new Set([...form.elements].map((field) => field.name).filter(Boolean));
}

const HASH = /^#(\d{1,2}(?:\.\d+)?)\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/;

export function parseHash(hash) {
  const match = HASH.exec(hash || "");
  if (!match) return null;
  const [zoom, lat, lon] = match.slice(1).map(Number);
  if (zoom > 22 || Math.abs(lat) > 85.06 || Math.abs(lon) > 180) return null;
  return { zoom, center: [lon, lat] };
}

export function formatHash(map) {
  const { lng, lat } = map.getCenter().wrap();
  const zoom = map.getZoom();
  const places = Math.max(2, Math.ceil(Math.log10(2 ** zoom)) + 1);
  const fixed = (value, digits) => String(Number(value.toFixed(digits)));
  return `#${fixed(zoom, 2)}/${fixed(lat, places)}/${fixed(lng, places)}`;
}

/** The folded filter panel's count of the filters set (web/includes/filter_summary.html). */
export function showFilterCount(form, params) {
  const count = form.closest("details")?.querySelector("[data-filter-count]");
  if (!count) return;
  const n = Object.keys(params).length;
  count.querySelector("[data-filter-number]").textContent = String(n);
  count.hidden = n === 0;
}
