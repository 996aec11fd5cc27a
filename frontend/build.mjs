// Bundle the front-end with esbuild into the Django app's static folder.
//
//   node build.mjs            one minified build (what `make assets` runs)
//   node build.mjs --watch    rebuild on change, unminified, with external source maps
//
// Output names carry no hash: Django's whitenoise manifest storage adds hashes at collectstatic.
// Nothing here may fetch from the network at build or run time; everything is bundled.
import * as esbuild from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
  legalComments: "none",
  logLevel: "warning",
  // Fonts and images referenced from CSS are copied next to the bundle (never loaded remotely).
  loader: { ".svg": "file", ".png": "file", ".woff2": "file" },
  assetNames: "[name]",
};

// One bundle per page kind: the map's (MapLibre) loads only on pages that show a map.
const jsOptions = {
  ...common,
  entryPoints: { main: "src/main.js", map: "src/map.js" },
  format: "iife",
};
const cssOptions = { ...common, entryPoints: { main: "src/main.css", map: "src/map.css" } };

await mkdir(outdir, { recursive: true });
const started = performance.now();
if (watch) {
  const contexts = await Promise.all([esbuild.context(jsOptions), esbuild.context(cssOptions)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching frontend/src → ${outdir}`);
} else {
  await Promise.all([esbuild.build(jsOptions), esbuild.build(cssOptions)]);
  console.log(`built the bundles in ${Math.round(performance.now() - started)} ms → ${outdir}`);
}
