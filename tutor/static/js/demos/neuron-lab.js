// Neuron lab: sliders for inputs, weights and bias and a choice of activation; the engine computes the rest.
// Ages 5-8 (data-gentle): two knobs on a helper whose clues are both "yes"; the other values are fixed hidden inputs,
// and the engine's numbers are told as short sentences (adds, takes away, go or stop) instead of formulas.
(function () {
  "use strict";
  var D = window.TutorDemos;

  // A whole number or one decimal, never e-notation: how numbers are shown to 5-8 year olds.
  function simple(x) {
    var s = (Math.round(x * 10) / 10).toFixed(1).replace(/\.0$/, "");
    return s === "-0" ? "0" : s.replace("-", "−");
  }

  // A 5-8 knob's setting in words, as the sentences below it say it: "adds 2", "takes away 3", "nothing".
  function knob(v) {
    return v > 0 ? "adds " + simple(v) : v < 0 ? "takes away " + simple(-v) : "nothing";
  }

  D.register("neuron-lab", function (root) {
    var url = root.getAttribute("data-api");
    var gentle = root.getAttribute("data-gentle") === "true";
    var sliders = {};
    root.querySelectorAll('input[data-input]:not([type="radio"])').forEach(function (input) {
      sliders[input.getAttribute("data-input")] = input;
      if (input.type === "range") {
        D.bindSlider(input, function (v) { return gentle ? knob(parseFloat(v)) : D.fmt(parseFloat(v), 1); });
      }
    });
    var radios = root.querySelectorAll('input[type="radio"][data-input="activation"]');

    function activation() {
      if (sliders.activation) { return sliders.activation.value; }
      var chosen = "sigmoid";
      radios.forEach(function (r) { if (r.checked) { chosen = r.value; } });
      return chosen;
    }

    function body() {
      return {
        inputs: [parseFloat(sliders.x1.value), parseFloat(sliders.x2.value)],
        weights: [parseFloat(sliders.w1.value), parseFloat(sliders.w2.value)],
        bias: parseFloat(sliders.b.value),
        activation: activation()
      };
    }

    function put(name, value, digits) {
      var node = D.q(root, name);
      if (!node) { return; }
      node.textContent = D.fmt(value, digits);
      node.setAttribute("data-value", String(value));
    }

    function number(name, value, text) {
      return D.el("output", { "data-part": name, "data-value": String(value), class: "big-number", text: text });
    }

    // "Red adds 2." / "Red takes away 1.": the engine's product for one clue, in words.
    function sayClue(i, product) {
      D.q(root, "verb" + (i + 1)).textContent = product < 0 ? "takes away" : "adds";
      var out = D.q(root, "p" + (i + 1));
      out.textContent = simple(Math.abs(product));
      out.setAttribute("data-value", String(product));
    }

    function renderGentle(r) {
      D.showError(root, null);
      sayClue(0, r.products[0]);
      sayClue(1, r.products[1]);
      var z = D.q(root, "z");
      z.textContent = r.z < 0 ? "below zero" : simple(r.z);
      z.setAttribute("data-value", String(r.z));
      var go = r.a > 0;
      D.clear(D.q(root, "summary")).appendChild(D.el("span", { class: "helper-says " + (go ? "go" : "stop"),
                                                               "data-answer": go ? "go" : "stop" }, [
        D.el("strong", { text: go ? "Go! " : "Stop. " }),
        go ? "The helper passes on " : "The helper stays quiet. It passes on ",
        number("a", r.a, simple(r.a)), "."
      ]));
      D.q(root, "live").textContent = "Helper says: " + (go ? "Go! " : "Stop. ") + simple(r.a);
    }

    function render(r) {
      D.showError(root, null);
      put("x1", r.inputs[0], 1); put("x2", r.inputs[1], 1);
      put("w1", r.weights[0], 1); put("w2", r.weights[1], 1);
      put("p1", r.products[0]); put("p2", r.products[1]);
      put("z", r.z); put("a", r.a);
      D.q(root, "zformula").textContent = r.formula.z;
      D.q(root, "aformula").textContent = r.formula.a;
      D.q(root, "zsum").textContent = D.term(r.products[0]) + " + " + D.term(r.products[1]) + " + " + D.term(r.bias, 1);
      D.q(root, "live").textContent = "z = " + D.fmt(r.z) + "   a = " + D.fmt(r.a);
      D.q(root, "summary").textContent = "Weighted sum z = " + D.fmt(r.z) + "; output a = " + D.fmt(r.a) + ".";
      var pts = r.curve.z.map(function (z, i) { return [z, r.curve.a[i]]; });
      var svgRoot = D.lineChart(D.q(root, "curve"), [{ name: r.activation, points: pts, cls: "s0" }], {
        xLabel: "weighted sum z", yLabel: "output a", title: r.activation + " curve with this neuron's point",
        yMin: Math.min(0, Math.min.apply(null, r.curve.a)), yMax: Math.max(1, Math.max.apply(null, r.curve.a)), legend: false
      });
      // Mark where this neuron's z lands on the curve (clamped to the drawn range).
      var xmin = r.curve.z[0], xmax = r.curve.z[r.curve.z.length - 1];
      var ymin = Math.min(0, Math.min.apply(null, r.curve.a)), ymax = Math.max(1, Math.max.apply(null, r.curve.a));
      var zc = Math.max(xmin, Math.min(xmax, r.z)), ac = Math.max(ymin, Math.min(ymax, r.a));
      var cx = 62 + (zc - xmin) / (xmax - xmin) * (560 - 62 - 16);
      var cy = 16 + (1 - (ac - ymin) / (ymax - ymin)) * (300 - 16 - 46);
      svgRoot.appendChild(D.svg("circle", { cx: cx, cy: cy, r: 7, class: "here" }));
      D.q(root, "curve-text").textContent = "The " + r.activation + " curve: at z = " + D.fmt(r.z, 2) +
        " it gives a = " + D.fmt(r.a, 2) + " (the ringed point).";
    }

    var refresh = D.latest(function () { return D.post(url, body()); }, gentle ? renderGentle : render,
                           function (e) { D.showError(root, e); }, 60);
    root.addEventListener("input", function () { refresh(); });
    root.addEventListener("change", function () { refresh(); });
    refresh(true);
  });
})();
