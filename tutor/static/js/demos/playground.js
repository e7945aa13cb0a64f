// Network playground: the 2-3-1 network with input sliders; values in the nodes, edges by sign and size,
// and the worked example of the chosen neuron, all computed by the engine.
(function () {
  "use strict";
  var D = window.TutorDemos;

  var stepText = D.stepText;

  D.register("playground", function (root) {
    var url = root.getAttribute("data-api");
    var gentle = root.getAttribute("data-gentle") === "true";
    var x1 = root.querySelector('[data-input="x1"]'), x2 = root.querySelector('[data-input="x2"]');
    [x1, x2].forEach(function (s) {
      D.bindSlider(s, function (v) { return gentle ? D.hundredths(parseFloat(v)) : D.fmt(parseFloat(v), 2); });
    });
    var seed = 0, chosen = "output", last = null;
    var names = ["hidden-1", "hidden-2", "hidden-3"];

    function choose(key) {
      chosen = key;
      root.querySelectorAll("[data-neuron]").forEach(function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-neuron") === key ? "true" : "false");
      });
      if (last) { render(last); }
    }

    function render(r) {
      last = r;
      D.showError(root, null);
      var label = gentle
        ? function (layer) { return layer === 0 ? "in" : layer === 1 ? "helper" : "answer"; }
        : function (layer, j) {
          return layer === 0 ? "x" + (j + 1) : layer === 1 ? "hidden " + (j + 1) + " (ReLU)" : "output (sigmoid)";
        };
      var hl = chosen === "output" ? { layer: 2, j: 0 } : { layer: 1, j: names.indexOf(chosen) };
      D.networkDiagram(D.q(root, "diagram"), r.nodes, r.edges, {
        labels: label, highlight: gentle ? null : hl, edgeLabels: !gentle, format: gentle ? D.hundredths : null,
        title: gentle ? "The tiny helpers and what each one passes on" : "The 2-3-1 network with the value of every neuron",
        onNode: gentle ? null : function (layer, j) { choose(layer === 2 ? "output" : names[j]); }
      });
      var pos = r.edges.filter(function (e) { return e.weight > 0; }).length;
      if (gentle) {
        D.q(root, "diagram-text").textContent = "Two numbers go in. Each helper adds up what it gets and passes it on. " +
          pos + " lines push up and " + (r.edges.length - pos) + " push down. The answer is " + D.hundredths(r.output) + ".";
        D.q(root, "summary").textContent = "The answer: " + D.hundredths(r.output);
        D.q(root, "summary").setAttribute("data-value", String(r.output));
        return;
      }
      D.q(root, "diagram-text").textContent = "Inputs " + D.fmt(r.inputs[0], 2) + " and " + D.fmt(r.inputs[1], 2) +
        " give hidden values " + r.nodes[1].map(function (v) { return D.fmt(v, 2); }).join(", ") +
        " and output " + D.fmt(r.output, 3) + ". " + pos + " of the " + r.edges.length +
        " connections are positive (blue, solid), " + (r.edges.length - pos) + " negative (orange, dashed).";
      D.q(root, "summary").textContent = "Output: " + D.fmt(r.output, 3);
      D.q(root, "summary").setAttribute("data-value", String(r.output));
      var list = D.clear(D.q(root, "worked"));
      (r.neurons[chosen] || []).forEach(function (step) {
        list.appendChild(D.el("li", { "data-step": step.id, "data-value": String(step.result), text: stepText(step) }));
      });
    }

    var refresh = D.latest(function () {
      return D.post(url, { seed: seed, inputs: [parseFloat(x1.value), parseFloat(x2.value)] });
    }, render, function (e) { D.showError(root, e); }, 60);
    root.addEventListener("input", function () { refresh(); });
    root.querySelectorAll("[data-neuron]").forEach(function (b) {
      b.addEventListener("click", function () { choose(b.getAttribute("data-neuron")); });
    });
    D.q(root, "new-weights").addEventListener("click", function () { seed += 1; refresh(true); });
    refresh(true);
  });
})();
