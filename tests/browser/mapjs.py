"""Scripts the browser tests run in a page with a map (window.unmaskMaps, from map.js)."""

# The map says it drew its first clusters (performance.mark in map.js).
CLUSTERS_DRAWN = "() => performance.getEntriesByName('unmask:clusters-drawn').length > 0"
# Still, with every tile of the view drawn: what queryRenderedFeatures sees is what is shown.
SETTLED = """() => new Promise((resolve) => {
  const map = window.unmaskMaps[0];
  if (!map.isMoving() && map.loaded()) resolve();
  else map.once("idle", () => resolve());
})"""
# The points drawn in a layer, with their place on the screen.
POINTS = """(layer) => {
  const map = window.unmaskMaps[0];
  return map.queryRenderedFeatures({ layers: [layer] }).map((f) => {
    const { x, y } = map.project(f.geometry.coordinates);
    return { x, y, id: f.properties.id, title: f.properties.title };
  });
}"""
