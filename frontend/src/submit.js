// The action form (campaign/submit.html, and the secret link's edit form in manage.html).
// Everything here only helps: without JavaScript the form works as it is (the zone is then
// found by the server when the form is sent, and the folded parts are plain <details>).
//
// - The proof of work: the ALTCHA widget (bundled from npm, never loaded from altcha.org),
//   solving the challenge that this site made (/submit/challenge.json) in a worker served from
//   this site too (CSP: worker-src 'self'). The "external" build injects no styles and no
//   inline workers; its stylesheet is part of submit.css.
// - The time zone: as the place is given (a point chosen on the map or typed, or the country),
//   the line above the field says which zone the place has, asked of this site
//   (/submit/zone.json, looked up offline there). The field stays empty: the server takes the
//   place's zone when it is sent, and a zone typed by the person wins.
// - "More languages": a filter over the other languages' checkboxes.
// - After sending: a button that copies the secret link (to the clipboard only).
import "altcha/external";

import { copyText } from "./copy.js";

const widget = document.querySelector("altcha-widget[data-worker]");
if (widget) {
  const url = widget.dataset.worker;
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(url));
}

function readStrings(root, selector) {
  const strings = {};
  const template = root.querySelector(selector);
  if (!template) return strings;
  for (const span of template.content.querySelectorAll("[data-key]")) strings[span.dataset.key] = span.textContent;
  return strings;
}

// One sentence with the zone's name in a <bdi> (a Latin name inside Arabic or Sorani text).
function sentence(text, zone) {
  const [before, after = ""] = text.split("%(zone)s");
  const name = document.createElement("bdi");
  name.textContent = zone;
  return zone ? [before, name, after] : [text];
}

function zonePicker(root) {
  const shown = root.querySelector("[data-zone-shown]");
  const field = root.querySelector("input[list]");
  const form = root.closest("form");
  const lat = document.getElementById(root.dataset.lat);
  const lon = document.getElementById(root.dataset.lon);
  const country = document.getElementById(root.dataset.country);
  const strings = readStrings(root, "[data-zone-strings]");
  const known = new Set([...root.querySelectorAll("datalist option")].map((o) => o.value));
  let placeZone = null; // null: not asked yet (the server's line stands)
  let asked = 0;
  let timer;

  const render = () => {
    const typed = field.value.trim();
    let parts;
    if (typed && known.has(typed)) parts = sentence(strings.chosen, typed);
    else if (placeZone) parts = sentence(strings.place, placeZone);
    else if (placeZone === "") parts = sentence(strings.unknown, "");
    else return; // keep what the server wrote
    shown.replaceChildren(...parts);
    shown.dataset.zone = typed && known.has(typed) ? typed : placeZone || "";
  };

  const ask = async () => {
    const query = new URLSearchParams();
    if (lat?.value.trim() && lon?.value.trim()) {
      query.set("latitude", lat.value.trim().replace(",", "."));
      query.set("longitude", lon.value.trim().replace(",", "."));
    }
    if (country?.value) query.set("country", country.value);
    const mine = ++asked;
    try {
      // No referrer: on the secret link's page, the address is the secret.
      const response = await fetch(`${root.dataset.url}?${query}`, { referrerPolicy: "no-referrer", credentials: "omit" });
      if (!response.ok) return;
      const { zone } = await response.json();
      if (mine !== asked) return; // a later question is under way
      placeZone = zone || "";
      render();
    } catch {
      // Offline or refused: the server finds the zone when the form is sent.
    }
  };
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  };

  for (const input of [lat, lon, country]) {
    input?.addEventListener("input", later);
    input?.addEventListener("change", later);
  }
  form?.addEventListener("unmask:location", later); // a point chosen on the map
  field.addEventListener("input", render);
  field.addEventListener("change", render);
}

function languageFilter(root) {
  const filter = root.querySelector("[data-language-filter]");
  const list = root.querySelector("[data-language-list]");
  if (!filter || !list) return;
  filter.hidden = false;
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
  const items = [...list.children].map((li) => {
    const input = li.querySelector("input");
    return { li, input, text: fold(`${li.textContent} ${input.value}`) };
  });
  filter.addEventListener("input", () => {
    const words = fold(filter.value.trim());
    for (const { li, input, text } of items) li.hidden = Boolean(words) && !input.checked && !text.includes(words);
  });
  // Enter in the filter must not send the form.
  filter.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}

function copySecret(button) {
  const field = document.getElementById(button.dataset.copySecret);
  const status = document.querySelector("[data-copy-status]");
  if (!field) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const done = await copyText(field.value, field);
    if (status) status.textContent = done ? status.dataset.copied : status.dataset.failed;
  });
}

for (const root of document.querySelectorAll("[data-zone-picker]")) zonePicker(root);
for (const root of document.querySelectorAll("[data-languages]")) languageFilter(root);
for (const button of document.querySelectorAll("[data-copy-secret]")) copySecret(button);
