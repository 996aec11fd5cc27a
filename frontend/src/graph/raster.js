// While the camera moves, in software WebGL: the last frame drawn is moved and scaled by the
// browser's compositor (a CSS transform of sigma's layers), and sigma draws again once the
// camera stops (SETTLE_MS after).
//
// Why: with no GPU (SwiftShader, llvmpipe), every frame sigma draws costs the processor its
// full-size WebGL canvases, whatever the graph: about 25 ms at 1280×800 here, so panning ran at
// 30-35 frames a second even with the edges and labels hidden and the page's thread idle. A
// transformed layer costs the compositor a few milliseconds: 60 frames a second. What moves is
// the drawing as it was, edges and labels included (a zoom is a little soft until the camera
// stops; what comes into view while panning is drawn then), as a map's tiles are scaled while it
// zooms. Redrawing now and then while moving cost a dropped frame or more each time.
//
// sigma (3.0) has no hook for this: its render() is wrapped on the instance. Anything but the
// camera changing (a refresh: new data, a selection, a layout moving; a resize) draws for real.

const SETTLE_MS = 90;

export function rasterWhileMoving(renderer, { settleMs = SETTLE_MS } = {}) {
  const render = renderer.render.bind(renderer);
  const refresh = renderer.refresh.bind(renderer);
  const camera = renderer.getCamera();
  let drawn = null; // the camera state and size of the last real frame
  let dirty = true;
  let transformed = false;
  let settle = 0;

  const moving = () => {
    const mouse = renderer.getMouseCaptor();
    const touch = renderer.getTouchCaptor();
    return Boolean(
      camera.isAnimated() ||
        mouse.isMoving ||
        mouse.draggedEvents ||
        mouse.currentWheelDirection ||
        touch.isMoving,
    );
  };

  // What is moved: the drawing. The hover layers are hidden meanwhile (each layer costs the
  // compositor, empty or not); the mouse's layer, which takes the events, stays where it is.
  const MOVED = ["edges", "nodes", "labels"];
  const HIDDEN = ["edgeLabels", "hovers", "hoverNodes"];
  const place = (transform) => {
    const elements = renderer.elements || {};
    for (const id of MOVED) {
      const element = elements[id];
      if (!element) continue;
      element.style.transformOrigin = "0 0";
      element.style.transform = transform;
    }
    for (const id of HIDDEN) if (elements[id]) elements[id].style.visibility = transform ? "hidden" : "";
    transformed = Boolean(transform);
  };

  const stop = () => {
    // No frame is drawn while moving, so the last one is drawn once the camera is still.
    clearTimeout(settle);
    settle = setTimeout(() => {
      if (moving()) stop();
      else renderer.scheduleRender();
    }, settleMs);
  };

  renderer.refresh = (options) => {
    dirty = true;
    return refresh(options);
  };

  renderer.render = () => {
    const state = camera.getState();
    const container = renderer.getContainer();
    const width = container.offsetWidth;
    const height = container.offsetHeight;
    const sameSize = drawn && width === drawn.width && height === drawn.height;
    if (drawn && !dirty && sameSize && moving()) {
      // Where the last frame's top-left corner is now, and how much bigger it is.
      const corner = renderer.viewportToFramedGraph({ x: 0, y: 0 }, { cameraState: drawn.state });
      const there = renderer.framedGraphToViewport(corner, { cameraState: state });
      place(`translate(${there.x}px, ${there.y}px) scale(${drawn.state.ratio / state.ratio})`);
      renderer.renderFrame = null; // sigma's own guard: the next scheduleRender() must run
      stop();
      return renderer;
    }
    if (transformed) place("");
    dirty = false;
    drawn = { state, width, height };
    const result = render();
    if (moving()) stop();
    return result;
  };

  return {
    get transformed() {
      return transformed;
    },
  };
}
