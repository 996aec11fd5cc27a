// Bundle the front-end with esbuild into the Django app's static folder.
//
//   node build.mjs            one minified build (what `make assets` runs)
//   node build.mjs --watch    rebuild on change, unminified, with external source maps
//
// Output names carry no hash: Django's whitenoise manifest storage adds hashes at collectstatic.
// Nothing here may fetch from the network at build or run time; everything is bundled.
import * as esbuild from "esbuild";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { buildBasemap, buildPlaces, buildRegions } from "./basemap.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, "../src/unmask/web/static/unmask/dist");
const watch = process.argv.includes("--watch");

// main.css is its own entry point, so the JS bundle never injects styles (style-src 'self').
const common = {
  absWorkingDir: here,
  outdir,
  bundle: true,
  minify: !watch,
  sourcemap: watch ? "linked" : false,
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  legalComments: "eof", // licence notices of bundled libraries (MapLibre: BSD) stay in the files
  logLevel: "warning",
  // Fonts and images referenced from CSS are copied next to the bundle (never loaded remotely).
  loader: { ".svg": "file", ".png": "file", ".woff2": "file" },
  assetNames: "[name]",
};

// One bundle per page kind: the map's (MapLibre) loads only on pages that show a map.
const jsOptions = {
  ...common,
  entryPoints: {
    main: "src/main.js",
    // A map page's first screen (map.js: a few kilobytes), then the map itself (map-gl.js:
    // MapLibre and the component), which map.js loads once that screen is drawn.
    map: "src/map.js",
    "map-gl": "src/map-gl.js",
    graph: "src/graph.js",
    // The location picker of the action form: a loader, and the map it loads once shown.
    picker: "src/picker.js",
    "picker-map": "src/picker-map.js",
    // The record's sites, read and clustered off the page's thread (map/sites-worker.js).
    "sites-worker": "src/map/sites-worker.js",
    // Keyboard shortcuts of the moderators' screen (/moderate/).
    moderate: "src/moderate.js",
    // The action form's proof-of-work widget (ALTCHA); its worker is copied by copyPowWorker().
    submit: "src/submit.js",
    // The graph's force layout runs in a worker of its own (graph/force.js; named by data-layout-worker).
    "graph-layout": "src/graph/layout-worker.js",
    // The static mirror's search page (`unmask mirror`): pagefind from file:// and static hosts.
    "mirror-search": "src/mirror-search.js",
  },
  format: "iife",
  // MapLibre (an ES module) looks at import.meta.url only to find its worker when none is set;
  // map.js sets it, so there is nothing to find.
  define: { "import.meta.url": "undefined" },
};
const cssOptions = { ...common, entryPoints: { main: "src/main.css", map: "src/map.css", graph: "src/graph.css", submit: "src/submit.css" } };

cssOptions.entryPoints.moderate = "src/moderate.css"; // the moderators' screen

const resolvePackage = (path) => fileURLToPath(import.meta.resolve(path));

// MapLibre's worker runs as a module worker from a file of its own (CSP: worker-src 'self'); the
// page names it (data-worker in maps/includes/map.html). Copied as published, minus the source
// map reference, which collectstatic would otherwise try to follow.
async function copyMapWorker() {
  const code = await readFile(resolvePackage("maplibre-gl/dist/maplibre-gl-worker.mjs"), "utf8");
  await writeFile(resolve(outdir, "map-worker.js"), code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
}

// ALTCHA's PBKDF2 worker, as published, next to the bundle (the form names it: data-worker).
async function copyPowWorker() {
  const code = await readFile(resolvePackage("altcha/workers/pbkdf2"), "utf8");
  await writeFile(resolve(outdir, "altcha-pbkdf2.js"), code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
}

// The map's basemap (see basemap.mjs): country shapes (and their bounds), first-level boundaries
// and populated places, each rebuilt only when it is older than its inputs.
async function basemap() {
  const script = resolve(here, "basemap.mjs");
  const newest = async (paths) => Math.max(...(await Promise.all(paths.map((path) => stat(path)))).map((s) => s.mtimeMs));
  const built = (path) => stat(path).then((s) => s.mtimeMs, () => 0);
  const parts = [
    ["countries.json", [resolvePackage("world-atlas/countries-50m.json")], (out) => buildBasemap(out), "countries"],
    ["regions.json", [resolve(here, "data/admin1-lines.json")], (out) => buildRegions(out), "countries with regions"],
    ["places.json", [resolve(here, "data/places.json")], (out) => buildPlaces(out), "places"],
  ];
  await Promise.all(
    parts.map(async ([name, inputs, build, what]) => {
      const out = resolve(outdir, "basemap", name);
      if ((await built(out)) > (await newest([script, ...inputs]))) return;
      const result = await build(out);
      const count = result.countries ?? result.places;
      console.log(`basemap: ${count} ${what}, ${Math.round(result.bytes / 1024)} KiB → ${out}`);
    }),
  );
}

await mkdir(outdir, { recursive: true });
const started = performance.now();
await Promise.all([copyMapWorker(), copyPowWorker(), basemap()]);
if (watch) {
  const contexts = await Promise.all([esbuild.context(jsOptions), esbuild.context(cssOptions)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching frontend/src → ${outdir}`);
} else {
  await Promise.all([esbuild.build(jsOptions), esbuild.build(cssOptions)]);
  console.log(`built the bundles in ${Math.round(performance.now() - started)} ms → ${outdir}`);
}
