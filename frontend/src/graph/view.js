// One graph component (section[data-graph]): loads the network from the config's dataUrl,
// lays it out (tiers or force), draws it with sigma.js (WebGL), and wires the tools: search,
// layout, export, the card of the selected node, the count, the list and the downloads.
import Graph from "graphology";
import Sigma from "sigma";
import { NodePointProgram } from "sigma/rendering";

import { fetchJSON } from "../offline-data.js";
import { clearCard, renderCard } from "./card.js";
import { download, fileName, toPngBlob, toSvg } from "./export.js";
import { toQuery } from "./filters.js";
import { ForceRunner, initialPlacement } from "./force.js";
import { labelDrawers } from "./labels.js";
import { rasterWhileMoving } from "./raster.js";
import { applyStyle, buildGraph, linkCount } from "./model.js";
import { readPalette } from "./palette.js";
import { renderTable } from "./table.js";
import { format, readStrings } from "./text.js";
import { tieredLayout } from "./tiers.js";

const ANIMATE_UP_TO = 2500; // nodes; bigger graphs jump to a new layout
const ANIMATION_MS = 450;

let marked = false;

/** Whether WebGL works here, and whether it is drawn in software (SwiftShader, llvmpipe: a
 * machine or VM without a usable GPU), where every pixel costs processor time. */
function probeWebgl() {
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
    if (!gl) return { available: false, software: false };
    // Firefox says who renders in RENDERER; Chrome only through the debug extension.
    let renderer = String(gl.getParameter(gl.RENDERER) || "");
    if (/^webkit webgl$/i.test(renderer)) {
      const info = gl.getExtension("WEBGL_debug_renderer_info");
      if (info) renderer = String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL) || "");
    }
    const lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    return { available: true, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) };
  } catch {
    return { available: false, software: false };
  }
}

// In software WebGL, a big graph hides its edges and labels while the camera moves (they come
// back as soon as it stops): drawing 10,000 edges in software every frame makes panning stutter.
// With a GPU they stay.
const SOFTWARE_HIDE_FROM_EDGES = 2000;
// In software WebGL a graph draws at most so many edges at rest (the config's softwareEdges,
// UNMASK_GRAPH_SOFTWARE_EDGES), those between the best-connected nodes (a selected node's edges
// always): 100,000 edges kept the processor busy for seconds after each still frame. The count
// says so.
const SOFTWARE_EDGE_BUDGET = 20000;
// In software WebGL the nodes are drawn as points (one vertex each, a round antialiased dot, the
// same picking): sigma's default circles are instanced triangles, which SwiftShader draws about
// three times slower, and every frame of a pan or zoom redraws all of them. Points have a
// maximum size on some GPUs, so with a GPU the circles stay.

function assignPositions(graph, positions) {
  graph.updateEachNodeAttributes(
    (node, attr) => {
      const p = positions[node];
      if (p) {
        attr.x = p.x;
        attr.y = p.y;
      }
      return attr;
    },
    { attributes: ["x", "y"] },
  );
}

export class GraphView {
  constructor(section) {
    this.section = section;
    const script = document.getElementById(section.dataset.config);
    this.config = script ? JSON.parse(script.textContent) : {};
    const $ = (selector) => section.querySelector(selector);
    this.el = {
      tools: $("[data-graph-tools]"),
      search: $("[data-graph-search]"),
      layouts: [...section.querySelectorAll("[data-graph-layout]")],
      exports: [...section.querySelectorAll("[data-graph-export]")],
      stage: $("[data-graph-stage]"),
      canvas: $("[data-graph-canvas]"),
      status: $("[data-graph-status]"),
      card: $("[data-graph-card]"),
      cardTemplate: $("template[data-graph-card-template]"),
      count: $("[data-graph-count]"),
      list: $("[data-graph-list]"),
      downloads: [...section.querySelectorAll("[data-graph-download]")],
    };
    const listId = this.el.search && this.el.search.getAttribute("list");
    this.el.datalist = listId ? document.getElementById(listId) : null;
    this.strings = readStrings(section);
    this.locale = document.documentElement.lang || undefined;
    this.rtl = document.documentElement.dir === "rtl";
    this.motion = window.matchMedia("(prefers-reduced-motion: reduce)");
    this.palette = readPalette(section);
    this.layout = this.config.layout === "tree" ? "tree" : "force";
    this.layoutChosen = false;
    this.force = new ForceRunner(section.dataset.layoutWorker);
    this.graph = null;
    this.renderer = null;
    this.payload = null;
    this.selected = null;
    this.neighbours = new Set();
    this.selectedEdges = new Set();
    this.positions = {};
    this.names = new Map();
    this.loads = 0;
    this.lastQuery = null;
    this.abort = null;
    this.stopAnimation = null;
    this.stats = {};
    this.ready = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
  }

  get id() {
    return this.section.dataset.graph;
  }

  /** /graph/'s graph follows the page's filter form; a record page's graph (a profile's ego
   * network, a product's tree) keeps to its fixed parameters. */
  get followsFilters() {
    return "graphFilters" in this.section.dataset;
  }

  start() {
    if (!this.el.canvas) return;
    this.webgl = probeWebgl();
    if (!this.webgl.available) {
      this.setState("error", this.strings.noWebgl, true);
      return;
    }
    this.el.canvas.replaceChildren();
    if (this.el.tools) this.el.tools.hidden = false;
    this.checkLayoutRadio();
    this.bindTools();
    this.updateDownloads(toQuery({ ...(this.config.params || {}), ...(this.config.fixed || {}) }));
    const downloads = this.section.querySelector("[data-graph-downloads]");
    if (downloads) downloads.hidden = false;
    this.load(this.config.params || {}, { initial: true });
    this.ensureRenderer();
    window
      .matchMedia("(prefers-color-scheme: dark)")
      .addEventListener("change", () => this.restyle());
  }

  // --- loading ------------------------------------------------------------------------------

  async load(params, { initial = false } = {}) {
    const query = toQuery({ ...params, ...(this.config.fixed || {}) });
    if (query === this.lastQuery) return;
    this.lastQuery = query;
    const load = ++this.loads;
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    this.force.cancel();
    this.setState("loading", this.strings.loading);
    const started = performance.now();
    let payload;
    try {
      const url = this.config.dataUrl + (query ? `?${query}` : "");
      payload = await fetchJSON(url, {
        signal: this.abort.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      if (error.name === "AbortError" || load !== this.loads) return;
      this.setState("error", this.strings.error, true);
      return;
    }
    if (load !== this.loads) return;
    const fetched = performance.now();
    const graph = buildGraph(payload, this.palette);
    this.payload = payload;
    if (!initial) {
      if (this.el.list) renderTable(this.el.list, payload, this.strings);
      this.updateDownloads(query);
    }
    const shown = this.chooseEdges(graph);
    this.updateCount(graph, shown);
    if (!this.layoutChosen) {
      this.layout = graph.getAttribute("root") ? "tree" : this.config.layout === "tree" ? "tree" : "force";
      this.checkLayoutRadio();
    }
    this.setState("layout", this.strings.layingOut);
    const laidOut = performance.now();
    const positions = await this.computeLayout(graph, this.layout);
    if (load !== this.loads || !positions) return;
    this.positions = { [this.layout]: positions };
    assignPositions(graph, positions);
    const drawing = performance.now();
    if (this.stopAnimation) this.stopAnimation();
    this.clearSelection({ refresh: false });
    this.graph = graph;
    this.shownEdges = shown;
    this.fillNames(graph);
    this.draw();
    const drawn = performance.now();
    this.stats = {
      nodes: graph.order,
      edges: graph.size,
      layout: this.layout,
      fetchMs: Math.round(fetched - started),
      buildMs: Math.round(laidOut - fetched),
      layoutMs: Math.round(drawing - laidOut),
      drawMs: Math.round(drawn - drawing),
      force: this.layout !== "force" ? null : graph.getAttribute("laidOut") ? { where: "server" } : { ...this.force.stats },
    };
    requestAnimationFrame(() => {
      if (load !== this.loads) return;
      this.stats.totalMs = Math.round(performance.now() - started);
      if (!marked) {
        marked = true;
        performance.mark("unmask:graph-drawn", { detail: { graph: this.id, ...this.stats } });
      }
      this.setState("ready", graph.order ? "" : this.strings.empty);
      this.section.dispatchEvent(new CustomEvent("unmask:graph-drawn", { detail: this.stats }));
      this.resolveReady(this);
    });
  }

  async computeLayout(graph, name) {
    if (name === "tree") {
      const { width, height } = this.el.canvas.getBoundingClientRect();
      return tieredLayout(graph, graph.getAttribute("root"), height ? width / height : 1.6);
    }
    if (graph.getAttribute("laidOut")) {
      // Laid out on the server (graph/layout.py): a big network, where the browser's own
      // layout would manage only a few dozen iterations in its budget.
      const positions = {};
      graph.forEachNode((node, attr) => {
        positions[node] = { x: attr.x, y: attr.y };
      });
      return positions;
    }
    return this.force.run(graph, initialPlacement(graph));
  }

  /** The renderer, made once with an empty graph: its WebGL contexts and shaders get ready
   * while the data loads and the layout runs, and this.renderer is set before the first real
   * frame (labels.js asks the view where the nodes are). */
  ensureRenderer() {
    if (this.renderer) return;
    const empty = new Graph({ type: "directed", multi: true });
    this.renderer = new Sigma(empty, this.el.canvas, this.settings());
    // In software WebGL the camera moves the last frame drawn (raster.js): 60 frames a second.
    if (this.webgl.software) this.raster = rasterWhileMoving(this.renderer);
    this.bindRenderer();
  }

  /** The edges drawn at rest in software WebGL when there are more than its budget: those whose
   * ends have the most links (null: every edge). */
  chooseEdges(graph) {
    const budget = this.config.softwareEdges ?? SOFTWARE_EDGE_BUDGET;
    if (!this.webgl.software || graph.size <= budget) return null;
    const edges = new Array(graph.size);
    const score = new Float64Array(graph.size);
    let i = 0;
    graph.forEachEdge((edge, _attr, _source, _target, from, to) => {
      edges[i] = edge;
      score[i] = from.degree + to.degree; // buildGraph's
      i += 1;
    });
    const order = new Uint32Array(edges.length).map((_, k) => k).sort((a, b) => score[b] - score[a]);
    return new Set(Array.from(order.subarray(0, budget), (k) => edges[k]));
  }

  draw() {
    const graph = this.graph;
    this.ensureRenderer();
    const light = this.webgl.software && graph.size >= SOFTWARE_HIDE_FROM_EDGES;
    if (this.renderer.getSetting("hideEdgesOnMove") !== light) {
      // Before setGraph: a settings change re-indexes the graph in hand (the empty one at first).
      this.renderer.setSettings({ hideEdgesOnMove: light, hideLabelsOnMove: light });
    }
    this.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    this.frame(this.positions[this.layout]);
    this.renderer.setGraph(graph); // processes and renders once, synchronously
  }

  /** Fit the drawing with room for the labels on their side of the outermost nodes (right of
   * them, or left on right-to-left pages): sigma frames the nodes' extent, not their labels. */
  frame(positions) {
    if (!positions || !this.renderer) return;
    let left = Infinity;
    let right = -Infinity;
    let bottom = Infinity;
    let top = -Infinity;
    for (const node in positions) {
      const { x, y } = positions[node];
      left = Math.min(left, x);
      right = Math.max(right, x);
      bottom = Math.min(bottom, y);
      top = Math.max(top, y);
    }
    if (!Number.isFinite(left)) {
      this.renderer.setCustomBBox(null);
      return;
    }
    const { width } = this.renderer.getDimensions();
    const usable = width - 2 * this.renderer.getStagePadding();
    const room = Math.min(140, usable * 0.25);
    const span = Math.max(right - left, top - bottom, 1e-6);
    const extra = usable > room ? ((right - left || span) * room) / (usable - room) : 0;
    if (this.rtl) left -= extra;
    else right += extra;
    if (top === bottom) {
      top += span / 2;
      bottom -= span / 2;
    }
    this.renderer.setCustomBBox({ x: [left, right], y: [bottom, top] });
  }

  settings() {
    this.labels = labelDrawers(this.palette, this.rtl, () => this.drawnNodes());
    const { drawLabel, drawHover } = this.labels;
    const font = getComputedStyle(this.section).fontFamily || "sans-serif";
    return {
      defaultEdgeType: "arrow",
      ...(this.webgl && this.webgl.software ? { nodeProgramClasses: { circle: NodePointProgram } } : {}),
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      enableCameraRotation: false,
      labelFont: font,
      labelSize: 13,
      labelWeight: "500",
      labelDensity: 1,
      labelGridCellSize: 100,
      labelRenderedSizeThreshold: 0, // labels.js keeps them from overlapping
      defaultDrawNodeLabel: drawLabel,
      defaultDrawNodeHover: drawHover,
      minCameraRatio: 0.01,
      maxCameraRatio: 4,
      stagePadding: 24,
      zIndex: true,
      nodeReducer: (node, data) => this.reduceNode(node, data),
      edgeReducer: (edge, data) => this.reduceEdge(edge, data),
    };
  }

  /** The nodes as sigma draws them now, in pixels of the canvas (for label placement). */
  drawnNodes() {
    const renderer = this.renderer;
    const nodes = [];
    if (!renderer || !this.graph) return nodes;
    const { width, height } = renderer.getDimensions();
    this.graph.forEachNode((key) => {
      const data = renderer.getNodeDisplayData(key);
      if (!data || data.hidden) return;
      const p = renderer.framedGraphToViewport(data);
      if (p.x < -50 || p.y < -50 || p.x > width + 50 || p.y > height + 50) return;
      nodes.push({ key, x: p.x, y: p.y, r: renderer.scaleSize(data.size) + 1 });
    });
    return nodes;
  }

  reduceNode(node, data) {
    if (!this.selected) return data;
    if (node === this.selected) return { ...data, highlighted: true, forceLabel: true, pinLabel: true, zIndex: 2 };
    // Neighbours' labels are candidates, still kept from running over each other.
    if (this.neighbours.has(node)) return { ...data, forceLabel: this.neighbours.size <= 200, zIndex: 1 };
    return { ...data, color: data.fadedColor, label: "", forceLabel: false, pinLabel: false, zIndex: 0 };
  }

  reduceEdge(edge, data) {
    if (this.shownEdges && !this.shownEdges.has(edge) && !this.selectedEdges.has(edge)) {
      return { ...data, hidden: true };
    }
    if (!this.selected) return data;
    if (this.selectedEdges.has(edge)) return { ...data, size: data.size + 1, zIndex: 1 };
    return { ...data, color: data.fadedColor, zIndex: 0 };
  }

  restyle() {
    this.palette = readPalette(this.section);
    if (!this.graph || !this.renderer) return;
    applyStyle(this.graph, this.palette);
    this.labels = labelDrawers(this.palette, this.rtl, () => this.drawnNodes());
    const { drawLabel, drawHover } = this.labels;
    this.renderer.setSettings({ defaultDrawNodeLabel: drawLabel, defaultDrawNodeHover: drawHover });
    this.renderer.refresh();
  }

  // --- layout -------------------------------------------------------------------------------

  checkLayoutRadio() {
    for (const radio of this.el.layouts) radio.checked = radio.value === this.layout;
  }

  async setLayout(name) {
    this.layoutChosen = true;
    if (name === this.layout) return;
    this.layout = name;
    this.checkLayoutRadio();
    const graph = this.graph;
    if (!graph) return;
    let positions = this.positions[name];
    if (!positions) {
      this.setState("layout", this.strings.layingOut);
      positions = await this.computeLayout(graph, name);
      if (graph !== this.graph || !positions || this.layout !== name) return;
      this.positions[name] = positions;
    }
    this.setState("moving", "");
    await this.moveTo(positions);
    if (graph === this.graph && this.layout === name) this.setState("ready", "");
  }

  /** Move the nodes to new positions: animated for graphs small enough to animate smoothly
   * (and unless the reader asked for less motion). Resolves when they are there. */
  moveTo(positions) {
    const graph = this.graph;
    if (this.stopAnimation) this.stopAnimation();
    const camera = this.renderer.getCamera();
    this.frame(positions);
    if (this.motion.matches || graph.order > ANIMATE_UP_TO) {
      assignPositions(graph, positions);
      camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      return Promise.resolve();
    }
    const from = {};
    graph.forEachNode((node, attr) => {
      from[node] = { x: attr.x, y: attr.y };
    });
    return new Promise((resolve) => {
      const started = performance.now();
      let frame = 0;
      const step = () => {
        const t = Math.min(1, (performance.now() - started) / ANIMATION_MS);
        const ease = t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
        graph.updateEachNodeAttributes(
          (node, attr) => {
            const a = from[node];
            const b = positions[node] || a;
            attr.x = a.x + (b.x - a.x) * ease;
            attr.y = a.y + (b.y - a.y) * ease;
            return attr;
          },
          { attributes: ["x", "y"] },
        );
        if (t < 1) {
          frame = requestAnimationFrame(step);
        } else {
          this.stopAnimation = null;
          resolve();
        }
      };
      this.stopAnimation = () => {
        cancelAnimationFrame(frame);
        this.stopAnimation = null;
        resolve();
      };
      camera.animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: ANIMATION_MS });
      step();
    });
  }

  // --- selection, search, keyboard -------------------------------------------------------------

  select(node, { focus = false } = {}) {
    const graph = this.graph;
    if (!graph || !graph.hasNode(node)) return;
    this.selected = node;
    this.neighbours = new Set(graph.neighbors(node));
    this.selectedEdges = new Set(graph.edges(node));
    this.renderer.refresh();
    if (this.el.card && this.el.cardTemplate) {
      renderCard(this.el.card, this.el.cardTemplate, graph, node, {
        strings: this.strings,
        locale: this.locale,
        onSelect: (other) => this.select(other, { focus: true }),
        onClose: () => {
          this.clearSelection();
          this.el.canvas.focus();
        },
      });
    }
    if (focus) this.centerOn(node);
  }

  /** Bring the node to the middle of what the card leaves visible. */
  centerOn(node) {
    const data = this.renderer.getNodeDisplayData(node);
    if (!data) return;
    const camera = this.renderer.getCamera();
    const ratio = Math.min(camera.ratio, this.graph.order > 200 ? 0.35 : 0.8);
    const target = { x: data.x, y: data.y, ratio, angle: 0 };
    const card = this.el.card;
    if (card && !card.hidden && getComputedStyle(card).position === "absolute") {
      const { width, height } = this.renderer.getDimensions();
      const covered = Math.min(card.getBoundingClientRect().width + 12, width / 2);
      const want = { x: this.rtl ? covered + (width - covered) / 2 : (width - covered) / 2, y: height / 2 };
      const middle = this.renderer.viewportToFramedGraph({ x: width / 2, y: height / 2 }, { cameraState: target });
      const there = this.renderer.viewportToFramedGraph(want, { cameraState: target });
      target.x += middle.x - there.x;
      target.y += middle.y - there.y;
    }
    camera.animate(target, { duration: this.motion.matches ? 0 : 500 });
  }

  clearSelection({ refresh = true } = {}) {
    const had = this.selected !== null;
    this.selected = null;
    this.neighbours = new Set();
    this.selectedEdges = new Set();
    if (this.el.card) clearCard(this.el.card);
    if (had && refresh && this.renderer) this.renderer.refresh();
  }

  fillNames(graph) {
    this.names = new Map();
    graph.forEachNode((node, attr) => {
      const key = attr.label.toLocaleLowerCase();
      if (!this.names.has(key)) this.names.set(key, node);
    });
    // The search's suggestions (one <option> a name: 20,000 of them in a big network) are made
    // when the reader comes to the search, not while the graph is first drawn and moved.
    this.suggested = null;
    const search = this.el.search;
    if (search && search === document.activeElement) this.suggest();
  }

  suggest() {
    const graph = this.graph;
    const datalist = this.el.datalist;
    if (!datalist || !graph || this.suggested === graph) return;
    this.suggested = graph;
    const collator = new Intl.Collator(this.locale);
    const labels = [...new Set(graph.mapNodes((node, attr) => attr.label))].sort(collator.compare);
    datalist.replaceChildren(
      ...labels.map((label) => {
        const option = document.createElement("option");
        option.value = label;
        return option;
      }),
    );
  }

  find(text, { partial = false } = {}) {
    const wanted = text.trim().toLocaleLowerCase();
    if (!wanted || !this.graph) return null;
    if (this.names.has(wanted)) return this.names.get(wanted);
    if (!partial) return null;
    for (const [name, node] of this.names) if (name.includes(wanted)) return node;
    return null;
  }

  bindTools() {
    const search = this.el.search;
    if (search) {
      search.addEventListener("focus", () => this.suggest());
      search.addEventListener("input", () => {
        const node = this.find(search.value);
        if (node && node !== this.selected) this.select(node, { focus: true });
      });
      const pick = () => {
        if (!search.value.trim()) return;
        const node = this.find(search.value, { partial: true });
        if (node) this.select(node, { focus: true });
        else this.flash(this.strings.notFound);
      };
      search.addEventListener("change", pick);
      search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          pick();
        }
      });
    }
    for (const radio of this.el.layouts) {
      radio.addEventListener("change", () => {
        if (radio.checked) this.setLayout(radio.value);
      });
    }
    for (const button of this.el.exports) {
      button.addEventListener("click", () => this.export(button.dataset.graphExport));
    }
    this.el.canvas.addEventListener("keydown", (event) => this.onKey(event));
    if (this.el.card) {
      this.el.card.addEventListener("keydown", (event) => {
        if (event.key !== "Escape" || !this.selected) return;
        this.clearSelection();
        this.el.canvas.focus();
      });
    }
  }

  bindRenderer() {
    const renderer = this.renderer;
    renderer.on("beforeRender", () => this.labels.reset());
    renderer.on("clickNode", ({ node }) => this.select(node));
    renderer.on("clickStage", () => this.clearSelection());
    renderer.on("enterNode", () => this.el.canvas.classList.add("is-hovering"));
    renderer.on("leaveNode", () => this.el.canvas.classList.remove("is-hovering"));
  }

  onKey(event) {
    if (!this.renderer || event.altKey || event.ctrlKey || event.metaKey) return;
    const camera = this.renderer.getCamera();
    const duration = this.motion.matches ? 0 : 200;
    const state = camera.getState();
    const step = 0.1 * state.ratio;
    const pan = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (event.key === "Escape") {
      if (!this.selected) return;
      this.clearSelection();
    } else if (event.key === "+" || event.key === "=") {
      camera.animatedZoom({ duration });
    } else if (event.key === "-" || event.key === "_") {
      camera.animatedUnzoom({ duration });
    } else if (event.key === "0") {
      camera.animatedReset({ duration });
    } else if (pan[event.key]) {
      const [dx, dy] = pan[event.key];
      camera.animate({ x: state.x + dx, y: state.y + dy }, { duration });
    } else {
      return;
    }
    event.preventDefault();
  }

  // --- text on the page -----------------------------------------------------------------------

  setState(state, message, isError = false) {
    this.section.dataset.graphState = state;
    if (this.el.stage) this.el.stage.setAttribute("aria-busy", String(state === "loading" || state === "layout"));
    const status = this.el.status;
    if (!status) return;
    clearTimeout(this.flashTimer);
    status.textContent = message || "";
    status.hidden = !message;
    status.classList.toggle("is-error", isError);
  }

  flash(message) {
    const status = this.el.status;
    if (!status) return;
    this.setState(this.section.dataset.graphState || "ready", message);
    this.flashTimer = setTimeout(() => {
      status.hidden = true;
    }, 4000);
  }

  updateCount(graph, shown = null) {
    if (!this.el.count) return;
    const links = linkCount(graph);
    let text = format(this.strings.count, { nodes: graph.order, links }, this.locale);
    if (graph.getAttribute("truncated")) {
      const total = graph.getAttribute("totalLinks");
      text += ` · ${format(this.strings.truncated, { shown: links, total }, this.locale)}`;
    }
    if (shown) text += ` · ${format(this.strings.thinned, { shown: shown.size }, this.locale)}`;
    this.el.count.textContent = text;
  }

  updateDownloads(query) {
    for (const link of this.el.downloads) {
      const url = new URL(link.href, window.location.href);
      url.search = query;
      link.href = url.pathname + url.search;
    }
  }

  // --- export -----------------------------------------------------------------------------------

  async export(format) {
    if (!this.renderer) return;
    const base = this.section.dataset.exportName || "network";
    if (format === "png") {
      const blob = await toPngBlob(this.renderer, this.palette);
      download(blob, fileName(base, "png"));
    } else if (format === "svg") {
      this.renderer.refresh();
      const svg = toSvg(this.renderer, this.palette, {
        title: document.title,
        rtl: this.rtl,
        shownLabels: this.labels.shown,
      });
      download(new Blob([svg], { type: "image/svg+xml" }), fileName(base, "svg"));
    }
  }

  /** What window.unmaskGraphs holds: enough for tests and the benchmark to drive the graph. */
  api() {
    const view = this;
    return {
      id: view.id,
      section: view.section,
      get renderer() {
        return view.renderer;
      },
      get graph() {
        return view.graph;
      },
      get layout() {
        return view.layout;
      },
      get stats() {
        return view.stats;
      },
      get softwareWebgl() {
        return Boolean(view.webgl && view.webgl.software);
      },
      get selected() {
        return view.selected;
      },
      /** The labels drawn in the last frame: [{text, left, right, top, bottom}] in pixels. */
      get labels() {
        return view.labels.boxes.map((box) => ({ ...box }));
      },
      ready: view.ready,
      select: (node) => view.select(node, { focus: true }),
      clearSelection: () => view.clearSelection(),
      setLayout: (name) => view.setLayout(name),
    };
  }
}
