// The location picker's loader (campaign/includes/location_picker.html), a few hundred bytes:
// the picker's map (picker-map.js: MapLibre, about 300 KB compressed) loads only once a picker
// is shown: when the <details> it is folded in opens, or at once where it is not folded. The
// form's first screen then needs none of it.
const loaded = new Set();

function load(src) {
  if (loaded.has(src)) return;
  loaded.add(src);
  const script = document.createElement("script");
  script.src = src;
  document.head.append(script);
}

for (const root of document.querySelectorAll("[data-location-picker][data-script]")) {
  const src = new URL(root.dataset.script, document.baseURI).href;
  const fold = root.closest("details");
  if (!fold || fold.open) load(src);
  else fold.addEventListener("toggle", () => fold.open && load(src));
}
