// The map (MapLibre GL JS): filled in by the map front-end work.
