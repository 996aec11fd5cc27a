"""Scripts the browser tests run in a page with a map (window.unmaskMaps, from map.js)."""

# The map says it drew its first clusters (performance.mark in map.js).
CLUSTERS_DRAWN = "() => performance.getEntriesByName('unmask:clusters-drawn').length > 0"
# Still, with every tile of the view drawn and the view's clusters of the sites handed over by
# their worker (data-clustering, map/layers.js): what queryRenderedFeatures sees is what is shown.
# MapLibre's "idle" comes after a frame with nothing left to load, place or fade; one is asked
# for (triggerRepaint) so that a map already idle says so again.
SETTLED = """() => new Promise((resolve) => {
  const map = window.unmaskMaps[0];
  const section = map.getContainer().closest("section[data-map]");
  const check = () => {
    if (section && "clustering" in section.dataset) return setTimeout(check, 30);
    map.once("idle", () => resolve());
    map.triggerRepaint();
  };
  check();
})"""
# The points drawn in a layer, with their place on the screen.
POINTS = """(layer) => {
  const map = window.unmaskMaps[0];
  return map.queryRenderedFeatures({ layers: [layer] }).map((f) => {
    const { x, y } = map.project(f.geometry.coordinates);
    return { x, y, id: f.properties.id, title: f.properties.title };
  });
}"""
