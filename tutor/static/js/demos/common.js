// Shared helpers for the live demos: start each [data-demo] block, ask the engine (latest answer wins),
// format numbers, and draw SVG charts and network diagrams. No maths here: every number comes from the server.
(function () {
  "use strict";
  if (window.TutorDemos) { return; }  // a lesson page may load this file once per embedded demo

  var SVG_NS = "http://www.w3.org/2000/svg";
  var registry = {};

  function start(id) {
    document.querySelectorAll('[data-demo="' + id + '"]').forEach(function (root) {
      if (root.getAttribute("data-demo-ready")) { return; }
      root.setAttribute("data-demo-ready", "1");
      registry[id](root);
    });
  }

  function register(id, init) {
    registry[id] = init;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { start(id); });
    } else {
      start(id);
    }
  }

  // A number for people: fixed digits, no "-0.000", very large or small values in e-notation.
  function fmt(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) { return "too big to show"; }
    digits = digits === undefined ? 3 : digits;
    var a = Math.abs(x);
    if (a !== 0 && (a >= 1e5 || a < Math.pow(10, -digits) / 2)) {
      return a < Math.pow(10, -digits) / 2 && a < 1e-12 ? (0).toFixed(digits) : x.toExponential(2);
    }
    var s = x.toFixed(digits);
    if (/^-0\.?0*$/.test(s)) { s = s.slice(1); }
    return s;
  }

  // A number between 0 and 1 as 5-8 year olds are shown it: in whole hundredths ("from 0 to 100"), so 0.572 is
  // "57". The engine's number, rounded to the nearest hundredth; never a decimal point for a 6-year-old.
  function hundredths(x) {
    if (x === null || x === undefined || !isFinite(x)) { return fmt(x); }
    var n = Math.round(x * 100);
    return String(n === 0 ? 0 : n);  // no "-0"
  }

  // "(-0.4)" for a negative term, so sums and products read clearly.
  function term(x, digits) {
    var s = fmt(x, digits);
    return x < 0 ? "(" + s + ")" : s;
  }

  // One worked step of a neuron from the engine's examples ({id, formula, inputs, result}) as a line of text.
  function stepText(step) {
    if (step.id.indexOf("product-") !== -1) {
      var names = step.formula.split(" × ");
      return step.formula + " = " + term(step.inputs[names[0]], 2) + " × " + term(step.inputs[names[1]], 2) +
        " = " + fmt(step.result);
    }
    if (/(^|-)z$/.test(step.id)) {
      return step.formula + " = " + step.inputs.products.map(function (p) { return term(p); }).join(" + ") +
        " + " + term(step.inputs.b, 2) + " = " + fmt(step.result);
    }
    return step.formula + " = " + step.activation + "(" + fmt(step.inputs.z) + ") = " + fmt(step.result);
  }

  function pct(x) { return (x === null || x === undefined) ? "—" : Math.round(+(100 * x).toPrecision(12)) + "%"; }

  // Calls `request()` at most once per `delay` ms while inputs keep changing (so numbers move while a slider is
  // dragged), reading the inputs when it fires; only the answer to the newest call is passed to `render`.
  function latest(request, render, onError, delay) {
    var timer = null, seq = 0;
    return function schedule(now) {
      if (timer && !now) { return; }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () {
        timer = null;
        var mine = ++seq;
        request().then(function (data) {
          if (mine === seq) { render(data); }
        }, function (error) {
          if (mine === seq && onError) { onError(error); }
        });
      }, now ? 0 : (delay === undefined ? 60 : delay));
    };
  }

  function post(url, body) { return window.tutorApi("POST", url, body); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) { return; }
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
  }

  function append(node, children) {
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function q(root, name) { return root.querySelector('[data-part="' + name + '"]'); }
  function qa(root, name) { return Array.prototype.slice.call(root.querySelectorAll('[data-part="' + name + '"]')); }

  function showError(root, error) {
    var box = q(root, "error");
    if (!box) { return; }
    box.hidden = !error;
    box.textContent = error ? (error.message || "Something went wrong. Try again.") : "";
  }

  // Keep a range input's visible value and aria-valuetext in step with it.
  function bindSlider(input, format) {
    var out = input.id ? document.querySelector('output[for="' + input.id + '"]') : null;
    function update() {
      var text = format ? format(input.value) : input.value;
      input.setAttribute("aria-valuetext", text);
      if (out) { out.textContent = text; }
    }
    input.addEventListener("input", update);
    update();
    return update;
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  // ---------------------------------------------------------------- charts

  var STYLES = ["solid", "dashed", "dotted", "dashdot"];

  // integers: only whole-number ticks (rounds and epochs have no "round 1.2"); nice steps of 1 or more are whole.
  function niceTicks(lo, hi, count, integers) {
    if (!(hi > lo)) { hi = lo + 1; }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
    var err = (hi - lo) / count / step;
    if (err >= 7.5) { step *= 10; } else if (err >= 3.5) { step *= 5; } else if (err >= 1.5) { step *= 2; }
    if (integers) { step = Math.max(1, step); }
    var ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) { ticks.push(+v.toFixed(10)); }
    return ticks;
  }

  // series: [{name, points: [[x, y], ...], cls: "s0".."s3", markers: bool}]; options: xLabel, yLabel, logY,
  // yMin, yMax, xMax, xIntegers (whole-number x ticks only, for rounds and epochs), hlines: [{y, label}],
  // title (for the SVG's accessible name).
  function lineChart(container, series, options) {
    options = options || {};
    var W = 560, H = 300, L = 62, R = 16, T = 16, B = 46;
    var xs = [], ys = [];
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (p[1] === null || !isFinite(p[1])) { return; }
        if (options.logY && p[1] <= 0) { return; }
        xs.push(p[0]); ys.push(p[1]);
      });
    });
    (options.hlines || []).forEach(function (h) { ys.push(h.y); });
    var tx = function (v) { return options.logY ? Math.log10(Math.max(v, 1e-12)) : v; };
    var xMin = xs.length ? Math.min.apply(null, xs) : 0;
    var xMax = options.xMax !== undefined ? options.xMax : (xs.length ? Math.max.apply(null, xs) : 1);
    if (xMax <= xMin) { xMax = xMin + 1; }
    var yLo = options.yMin !== undefined ? options.yMin : (ys.length ? Math.min.apply(null, ys.map(tx)) : 0);
    var yHi = options.yMax !== undefined ? options.yMax : (ys.length ? Math.max.apply(null, ys.map(tx)) : 1);
    if (options.logY) { yLo = Math.floor(yLo); yHi = Math.ceil(yHi); }
    if (!options.logY && options.yMin === undefined) { yLo = Math.min(0, yLo); }
    if (yHi <= yLo) { yHi = yLo + 1; }
    if (!options.logY && options.yMax === undefined) { yHi += (yHi - yLo) * 0.08; }
    var px = function (x) { return L + (x - xMin) / (xMax - xMin) * (W - L - R); };
    var py = function (y) { return T + (1 - (tx(y) - yLo) / (yHi - yLo)) * (H - T - B); };
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "demo-svg chart", role: "img",
                            "aria-label": options.title || "Chart" });
    var axes = svg("g", { class: "axes" });
    niceTicks(xMin, xMax, 6, options.xIntegers).forEach(function (v) {
      axes.appendChild(svg("line", { x1: px(v), x2: px(v), y1: H - B, y2: H - B + 5 }));
      axes.appendChild(svg("text", { x: px(v), y: H - B + 18, "text-anchor": "middle", text: String(v) }));
    });
    var yTicks = options.logY ? [] : niceTicks(yLo, yHi, 5);
    if (options.logY) {
      var every = Math.max(1, Math.ceil((yHi - yLo) / 6));
      for (var e = yHi; e >= yLo; e -= every) { yTicks.push(e); }
    }
    yTicks.forEach(function (v) {
      var y = options.logY ? T + (1 - (v - yLo) / (yHi - yLo)) * (H - T - B) : py(v);
      axes.appendChild(svg("line", { x1: L, x2: W - R, y1: y, y2: y, class: "grid" }));
      var label = options.logY ? (v === 0 ? "1" : "1e" + v) : (options.yFormat ? options.yFormat(v) : String(v));
      axes.appendChild(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", text: label }));
    });
    axes.appendChild(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
    axes.appendChild(svg("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }));
    if (options.xLabel) { axes.appendChild(svg("text", { x: (L + W - R) / 2, y: H - 8, "text-anchor": "middle", class: "label", text: options.xLabel })); }
    if (options.yLabel) { axes.appendChild(svg("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", class: "label", transform: "rotate(-90 14 " + (T + H - B) / 2 + ")", text: options.yLabel })); }
    root.appendChild(axes);
    (options.hlines || []).forEach(function (h) {
      root.appendChild(svg("line", { x1: L, x2: W - R, y1: py(h.y), y2: py(h.y), class: "hline" }));
      root.appendChild(svg("text", { x: W - R - 4, y: py(h.y) - 5, "text-anchor": "end", class: "hline-label", text: h.label }));
    });
    series.forEach(function (s, i) {
      var d = "", pen = false;
      var clipTop = T - 6;
      s.points.forEach(function (p) {
        var ok = p[1] !== null && isFinite(p[1]) && !(options.logY && p[1] <= 0);
        if (!ok) { pen = false; return; }
        var y = Math.max(py(p[1]), clipTop);
        d += (pen ? "L" : "M") + px(p[0]).toFixed(1) + " " + y.toFixed(1);
        pen = true;
      });
      var cls = "series " + (s.cls || "s" + i);
      root.appendChild(svg("path", { d: d, class: cls }));
      if (s.markers) {
        s.points.forEach(function (p) {
          if (p[1] === null || !isFinite(p[1]) || (options.logY && p[1] <= 0)) { return; }
          root.appendChild(markerAt(px(p[0]), Math.max(py(p[1]), clipTop), i, cls + " marker"));
        });
      }
    });
    clear(container).appendChild(root);
    if (options.legend !== false && series.length > 1) {
      var legend = el("ul", { class: "chart-legend" });
      series.forEach(function (s, i) {
        var key = svg("svg", { viewBox: "0 0 36 12", width: 36, height: 12, "aria-hidden": "true", focusable: "false" },
          [svg("line", { x1: 2, x2: 34, y1: 6, y2: 6, class: "series " + (s.cls || "s" + i) })]);
        legend.appendChild(el("li", {}, [key, " " + s.name]));
      });
      container.appendChild(legend);
    }
    return root;
  }

  // Class markers differ in shape as well as colour: circle, triangle, square.
  function markerAt(x, y, kind, cls, r) {
    r = r || 4;
    kind = kind % 3;
    if (kind === 0) { return svg("circle", { cx: x, cy: y, r: r, class: cls }); }
    if (kind === 1) { return svg("path", { d: "M" + x + " " + (y - r * 1.2) + "L" + (x + r * 1.1) + " " + (y + r * 0.8) + "L" + (x - r * 1.1) + " " + (y + r * 0.8) + "Z", class: cls }); }
    return svg("rect", { x: x - r * 0.9, y: y - r * 0.9, width: r * 1.8, height: r * 1.8, class: cls });
  }

  // A decision-boundary picture: the server's grid of predicted classes (shaded by confidence) and the points.
  function boundaryChart(container, grid, points, options) {
    options = options || {};
    var S = 300;
    var root = svg("svg", { viewBox: "0 0 " + S + " " + S, class: "demo-svg boundary", role: "img",
                            "aria-label": options.title || "Decision boundary" });
    if (grid) {
      var n = grid.size, cell = S / n;
      var g = svg("g", { class: "cells" });
      for (var i = 0; i < n; i++) {
        for (var j = 0; j < n; j++) {
          var k = i * n + j;
          var rect = svg("rect", { x: (j * cell).toFixed(2), y: (i * cell).toFixed(2), width: (cell + 0.4).toFixed(2),
                                   height: (cell + 0.4).toFixed(2), class: "cell c" + grid.label[k] });
          rect.style.opacity = (0.12 + 0.5 * Math.max(0, (grid.confidence[k] - 0.5) * 2)).toFixed(3);
          g.appendChild(rect);
        }
      }
      root.appendChild(g);
    }
    var box = grid || options.box;
    if (box && points) {
      var sx = function (x) { return (x - box.x[0]) / (box.x[1] - box.x[0]) * S; };
      var sy = function (y) { return (box.y[1] - y) / (box.y[1] - box.y[0]) * S; };
      points.forEach(function (set) {
        set.x.forEach(function (p, idx) {
          var label = set.y[idx];
          root.appendChild(markerAt(sx(p[0]), sy(p[1]), label, "pt c" + label + (set.hollow ? " hollow" : "") +
                                    (set.wrong && set.wrong[idx] ? " wrong" : ""), set.r || 3.4));
        });
      });
    }
    clear(container).appendChild(root);
    return root;
  }

  // A layered network: values in the nodes, edges coloured and dashed by sign and thick by size.
  // layers: [[value, ...], ...]; edges: [{layer, from, to, weight}]; options.labels(layer, j) -> text;
  // options.highlight: {layer, j} (layer counts the input layer as 0); options.onNode(layer, j);
  // options.format(value) -> the text of a node's value or an edge's label (2 decimals unless given).
  function networkDiagram(container, layers, edges, options) {
    options = options || {};
    var show = options.format || function (v) { return fmt(v, 2); };
    var W = 520, H = 300, R = 26;
    var cols = layers.length;
    var pos = layers.map(function (values, li) {
      var x = 60 + li * (W - 120) / Math.max(1, cols - 1);
      return values.map(function (_, j) {
        var gap = (H - 60) / Math.max(1, values.length);
        return [x, 40 + gap * (j + 0.5)];
      });
    });
    var biggest = 0;
    edges.forEach(function (e) { biggest = Math.max(biggest, Math.abs(e.weight)); });
    biggest = biggest || 1;
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "demo-svg network", role: "img",
                            "aria-label": options.title || "Network diagram" });
    edges.forEach(function (e) {
      var a = pos[e.layer][e.from], b = pos[e.layer + 1][e.to];
      var sign = e.weight > 0 ? "pos" : "neg";
      var line = svg("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], class: "edge " + sign + (e.cls ? " " + e.cls : "") });
      line.style.strokeWidth = (1 + 7 * Math.abs(e.weight) / biggest).toFixed(2);
      root.appendChild(line);
      if (options.edgeLabels) {
        var t = 0.28 + 0.1 * e.to;
        root.appendChild(svg("text", { x: a[0] + (b[0] - a[0]) * t, y: a[1] + (b[1] - a[1]) * t - 4, class: "edge-label",
                                       "text-anchor": "middle", text: show(e.weight) }));
      }
    });
    layers.forEach(function (values, li) {
      values.forEach(function (v, j) {
        var p = pos[li][j];
        var hl = options.highlight && options.highlight.layer === li && options.highlight.j === j;
        var g = svg("g", { class: "node" + (hl ? " selected" : "") + (li > 0 && options.onNode ? " clickable" : "") });
        g.appendChild(svg("circle", { cx: p[0], cy: p[1], r: R }));
        g.appendChild(svg("text", { x: p[0], y: p[1] + 5, "text-anchor": "middle", class: "value", text: show(v) }));
        if (options.labels) {
          g.appendChild(svg("text", { x: p[0], y: p[1] - R - 6, "text-anchor": "middle", class: "node-label", text: options.labels(li, j) }));
        }
        if (options.extra) {
          var extra = options.extra(li, j);
          if (extra) { g.appendChild(svg("text", { x: p[0], y: p[1] + R + 16, "text-anchor": "middle", class: "node-extra", text: extra })); }
        }
        if (li > 0 && options.onNode) {
          // Mouse and touch shortcut; keyboard users have the matching buttons next to the diagram.
          g.addEventListener("click", function () { options.onNode(li, j); });
        }
        root.appendChild(g);
      });
    });
    clear(container).appendChild(root);
    return root;
  }

  window.TutorDemos = {
    register: register, fmt: fmt, hundredths: hundredths, term: term, stepText: stepText, pct: pct, latest: latest, post: post, el: el, svg: svg, clear: clear,
    q: q, qa: qa, showError: showError, bindSlider: bindSlider, reducedMotion: reducedMotion,
    lineChart: lineChart, boundaryChart: boundaryChart, networkDiagram: networkDiagram, markerAt: markerAt
  };
})();
