// Worked examples: "Try other numbers" asks the engine (GET /api/examples/<kind>) for a new seed and redraws the
// example from the reply's sentence parts; long examples are stepped through one line at a time. No maths here:
// every number shown is text the server formatted from the engine's answer.
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var PHASES = { forward: "Forward pass", loss: "How wrong is it?", backward: "Backward pass: the chain rule",
                 update: "Updating every weight", check: "The loss again" };
  var STEP_AT_A_TIME = 8;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function parts(target, list) {
    (list || []).forEach(function (p) {
      if (p.path) {
        var span = el("span", { "class": "num", "data-path": p.path, "data-format": p.format || "" }, p.text);
        target.appendChild(span);
      } else {
        target.appendChild(document.createTextNode(p.text));
      }
    });
    return target;
  }

  function bars(visual, uid) {
    var n = visual.rounds.length;
    var box = svg("svg", { "class": "ex-bars", viewBox: "0 0 380 " + (30 + 26 * n), role: "img",
                           "aria-labelledby": uid + "-bars-title" });
    var title = svg("title", { id: uid + "-bars-title" });
    title.textContent = "The robot's guesses get closer to the treasure, round after round";
    box.appendChild(title);
    var tx = 60 + 250 * visual.target_share;
    box.appendChild(svg("line", { "class": "ex-bars-target", x1: tx, x2: tx, y1: 4, y2: 26 + 26 * n }));
    var gem = svg("text", { "class": "ex-bars-label", x: tx, y: 16, "text-anchor": "middle" });
    gem.textContent = "💎";
    box.appendChild(gem);
    visual.rounds.forEach(function (r, i) {
      var label = svg("text", { "class": "ex-bars-label", x: 0, y: 40 + 26 * i });
      label.textContent = "Try " + r.round;
      box.appendChild(label);
      box.appendChild(svg("rect", { "class": "ex-bar hint-" + r.hint, x: 60, y: 26 + 26 * i, height: 18, rx: 6,
                                    width: Math.max(250 * r.share, 2) }));
      if (r.hint === "found") {
        var found = svg("text", { "class": "ex-bars-label ex-found", x: 322, y: 40 + 26 * i });
        found.textContent = "⭐ found!";
        box.appendChild(found);
      }
    });
    return box;
  }

  function render(root, data) {
    var uid = root.id;
    var body = root.querySelector('[data-part="body"]');
    body.textContent = "";
    body.appendChild(parts(el("p", { "class": "ex-intro", id: uid + "-intro" }), data.intro_parts));
    if (data.visual && data.visual.kind === "bars") { body.appendChild(bars(data.visual, uid)); }
    var shown = data.steps.filter(function (s) { return s.sentence; });
    if (shown.length) {
      var list = el("ol", { "class": "ex-steps" });
      var phase = null;
      shown.forEach(function (s) {
        if (s.phase && s.phase !== phase) {
          phase = s.phase;
          var head = el("li", { "class": "ex-phase", "data-phase-head": s.phase });
          head.appendChild(el("h4", {}, PHASES[s.phase] || s.phase));
          list.appendChild(head);
        }
        var item = el("li", { "class": "ex-step", "data-step": s.id });
        if (s.phase) { item.setAttribute("data-phase", s.phase); }
        list.appendChild(parts(item, s.parts));
      });
      body.appendChild(list);
    }
    var result = el("p", { "class": "ex-result", id: uid + "-result" });
    result.appendChild(parts(el("strong"), data.result_parts));
    body.appendChild(result);
    root.setAttribute("data-seed", String(data.seed));
    root.querySelector('[data-part="seed"]').textContent = String(data.seed);
    setUpStepper(root);
  }

  // Long examples (a backprop step has 40 lines) are read one line at a time, with a way to see them all.
  function setUpStepper(root) {
    var old = root.querySelector(".ex-stepper");
    if (old) { old.remove(); }
    var steps = Array.prototype.slice.call(root.querySelectorAll(".ex-step"));
    if (steps.length <= STEP_AT_A_TIME) { return; }
    var heads = Array.prototype.slice.call(root.querySelectorAll(".ex-phase"));
    var result = root.querySelector(".ex-result");
    var shown = 0;
    var bar = el("div", { "class": "ex-stepper" });
    var next = el("button", { type: "button", "class": "button", "data-action": "next-step" }, "Next step");
    var all = el("button", { type: "button", "class": "button secondary", "data-action": "all-steps" }, "Show all steps");
    var count = el("span", { "class": "muted", "aria-live": "polite" });
    bar.appendChild(next); bar.appendChild(all); bar.appendChild(count);
    root.querySelector(".ex-steps").after(bar);

    function update() {
      steps.forEach(function (s, i) { s.hidden = i >= shown; });
      heads.forEach(function (h) {
        var phase = h.getAttribute("data-phase-head");
        h.hidden = !steps.some(function (s, i) { return i < shown && s.getAttribute("data-phase") === phase; });
      });
      var done = shown >= steps.length;
      result.hidden = !done;
      next.hidden = all.hidden = done;
      count.textContent = done ? "" : "Step " + shown + " of " + steps.length;
    }
    next.addEventListener("click", function () {
      shown = Math.min(steps.length, shown + 1);
      update();
      if (shown >= steps.length) { result.setAttribute("tabindex", "-1"); result.focus(); }
    });
    all.addEventListener("click", function () { shown = steps.length; update(); result.setAttribute("tabindex", "-1"); result.focus(); });
    shown = 1;
    update();
  }

  function query(root, seed) {
    var params = {};
    try { params = JSON.parse(root.getAttribute("data-params") || "{}"); } catch (e) { params = {}; }
    var q = ["seed=" + encodeURIComponent(seed), "track=" + encodeURIComponent(root.getAttribute("data-track"))];
    Object.keys(params).forEach(function (k) {
      [].concat(params[k]).forEach(function (v) { q.push(encodeURIComponent(k) + "=" + encodeURIComponent(v)); });
    });
    return root.getAttribute("data-api") + "?" + q.join("&");
  }

  function newSeed(current) {
    var seed = current;
    while (seed === current) { seed = Math.floor(Math.random() * 100000) + 1; }
    return seed;
  }

  function start(root) {
    if (root.getAttribute("data-example-ready")) { return; }
    root.setAttribute("data-example-ready", "1");
    var button = root.querySelector('[data-action="new-numbers"]');
    var status = root.querySelector('[data-part="status"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      if (root.classList.contains("busy")) { return; }
      var seed = newSeed(parseInt(root.getAttribute("data-seed"), 10));
      root.classList.add("busy");
      button.setAttribute("aria-disabled", "true");  // not disabled: the focus stays on the button
      status.textContent = "Asking the network for new numbers…";
      window.tutorApi("GET", query(root, seed)).then(function (data) {
        render(root, data);
        status.textContent = "New numbers from the network (seed " + data.seed + ").";
      }, function (error) {
        status.textContent = "Could not get new numbers: " + error.message;
      }).then(function () {
        root.classList.remove("busy");
        button.removeAttribute("aria-disabled");
      });
    });
    setUpStepper(root);
  }

  window.TutorExamples = { start: start, render: render };
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".worked-example[data-example]").forEach(start);
  });
})();
