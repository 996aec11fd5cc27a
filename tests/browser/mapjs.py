"""Scripts the browser tests run in a page with a map (window.unmaskMaps, from map.js)."""

# The map says it drew its first clusters (performance.mark in map.js).
CLUSTERS_DRAWN = "() => performance.getEntriesByName('unmask:clusters-drawn').length > 0"
# Still, with every tile of the view drawn and the view's clusters of the sites handed over by
# their worker (data-clustering, map/layers.js): what queryRenderedFeatures sees is what is shown.
SETTLED = """() => new Promise((resolve) => {
  const map = window.unmaskMaps[0];
  const section = map.getContainer().closest("section[data-map]");
  const check = () => {
    if (!map.isMoving() && map.loaded() && !(section && "clustering" in section.dataset)) resolve();
    else setTimeout(check, 30);
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
