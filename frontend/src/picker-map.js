// The location picker's map (map/picker.js with MapLibre), loaded by picker.js once a picker is
// shown. MapLibre's worker is a file of this site's (data-worker on the picker). It may be
// loaded twice on a page: it runs once.
import { setWorkerUrl } from "maplibre-gl";

import { startPickers } from "./map/picker.js";

if (!window.unmaskPickerScript) {
  window.unmaskPickerScript = true;
  const worker = document.querySelector("[data-location-picker]")?.dataset.worker;
  if (worker) setWorkerUrl(new URL(worker, document.baseURI).href);
  startPickers();
}
