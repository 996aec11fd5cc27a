// The filter form shared with the map (maps/includes/filters.html, form[data-map-filters]):
// with JavaScript its changes apply at once, land in the address bar (history.pushState: only
// the filters that are set, "active=1"), and back/forward bring the form and the graph back.
// Query parameters that are not the form's (e.g. /graph/?ego=...) are kept as they are.

import { showFilterCount } from "../map/state.js";

/** The form's filters: {name: value} for every field that is set. */
export function readForm(form) {
  const params = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled) continue;
    if (field.type === "checkbox" || field.type === "radio") {
      if (field.checked) params[field.name] = field.value || "1";
    } else if (field.tagName === "SELECT" || field.tagName === "INPUT") {
      const value = field.value.trim();
      if (value && field.type !== "submit" && field.type !== "button") params[field.name] = value;
    }
  }
  return params;
}

export function writeForm(form, params) {
  for (const field of form.elements) {
    if (!field.name) continue;
    const value = params[field.name] || "";
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = Boolean(value) && (field.value === value || field.type === "checkbox");
    } else if (field.tagName === "SELECT") {
      field.value = [...field.options].some((option) => option.value === value) ? value : "";
    } else if (field.tagName === "INPUT" && field.type !== "submit" && field.type !== "button") {
      field.value = value;
    }
  }
}

function formNames(form) {
  return new Set([...form.elements].map((field) => field.name).filter(Boolean));
}

/** The form's filters as they are in the address bar. */
export function paramsFromLocation(form) {
  const names = formNames(form);
  const params = {};
  for (const [key, value] of new URLSearchParams(window.location.search)) {
    if (names.has(key) && value.trim()) params[key] = value.trim();
  }
  return params;
}

/** Sorted, so that the same filters always make the same URL (and hit the same caches). */
export function toQuery(params) {
  const query = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    if (params[key] !== undefined && params[key] !== null && params[key] !== "") query.set(key, params[key]);
  }
  return query.toString();
}

/** Calls onChange(params) on each change of the form, and on back/forward. */
export function bindFilters(form, onChange) {
  const names = formNames(form);
  const apply = () => {
    const params = readForm(form);
    const query = new URLSearchParams(window.location.search);
    for (const name of names) query.delete(name);
    for (const [key, value] of Object.entries(params)) query.set(key, value);
    const search = query.toString();
    const url = window.location.pathname + (search ? `?${search}` : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.pushState({ unmaskFilters: params }, "", url);
      document.dispatchEvent(new CustomEvent("unmask:urlchange"));
    }
    showClear(form, params);
    onChange(params);
  };
  form.addEventListener("change", (event) => {
    if (event.target && event.target.name) apply();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  window.addEventListener("popstate", () => {
    const params = paramsFromLocation(form);
    writeForm(form, params);
    showClear(form, params);
    onChange(params);
  });
}

/** The form's "Clear filters" link shows only while a filter is set. */
function showClear(form, params) {
  const clear = form.querySelector("[data-map-clear]");
  if (clear) clear.hidden = Object.keys(params).length === 0;
  showFilterCount(form, params);
}
