// Learning-loop stepper: forward pass, loss, backpropagation (blame flowing backwards), update, repeat,
// on the engine's tiny 2-2-1 network. The server replays rounds from the seed, so nothing is kept on it.
(function () {
  "use strict";
  var D = window.TutorDemos;
  var STAGES = 5;

  function weightName(layer, i, j) { return layer === 0 ? "w" + (i + 1) + (j + 1) : "v" + (i + 1); }
  function biasName(layer, j) { return layer === 0 ? "b" + (j + 1) : "c"; }

  D.register("loop-stepper", function (root) {
    var url = root.getAttribute("data-api");
    var stageItems = Array.prototype.slice.call(root.querySelectorAll("[data-stage]"));
    var round = 0, stage = 0, data = null, seed = 0;
    var next = D.q(root, "next"), skip = D.q(root, "skip"), reset = D.q(root, "reset");

    var loading = false;
    // aria-disabled while a round loads (not disabled): the button a keyboard user pressed keeps the focus.
    function load(r) {
      loading = true;
      [next, skip].forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
      return D.post(url, { seed: seed, round: r }).then(function (d) {
        data = d; round = r;
        D.showError(root, null);
        render();
      }, function (e) { D.showError(root, e); }).then(function () {
        loading = false;
        next.removeAttribute("aria-disabled");
        if (round + 10 > 200) { skip.setAttribute("aria-disabled", "true"); } else { skip.removeAttribute("aria-disabled"); }
      });
    }

    function edgesOf(weights) {
      var edges = [];
      weights.forEach(function (layer, li) {
        layer.W.forEach(function (row, i) {
          row.forEach(function (w, j) { edges.push({ layer: li, from: i, to: j, weight: w }); });
        });
      });
      return edges;
    }

    function row(cells, header) {
      return D.el("tr", {}, cells.map(function (c, k) {
        return D.el(header ? "th" : "td", { class: k ? "num" : null, scope: header ? "col" : null, text: c });
      }));
    }

    function table(caption, head, rows) {
      return D.el("div", { class: "table-wrap" }, [D.el("table", {}, [
        D.el("caption", { class: "demo-legend-text", text: caption }),
        D.el("thead", {}, [row(head, true)]),
        D.el("tbody", {}, rows.map(function (r) { return row(r); }))
      ])]);
    }

    function neuronLine(info) {
      return "z = " + info.products.map(function (p) { return D.term(p); }).join(" + ") + " + " + D.term(info.bias) +
        " = " + D.fmt(info.z) + ";  a = " + info.activation + "(" + D.fmt(info.z) + ") = " + D.fmt(info.a);
    }

    function renderPanel() {
      var panel = D.clear(D.q(root, "panel"));
      var d = data;
      if (stage === 0) {
        panel.appendChild(D.el("h3", { text: "Forward pass" }));
        panel.appendChild(D.el("p", { text: "Inputs x1 = " + D.fmt(d.inputs[0], 2) + ", x2 = " + D.fmt(d.inputs[1], 2) +
          "; the right answer is y = " + D.fmt(d.target, 0) + "." }));
        var list = D.el("ol", { class: "demo-calc" });
        d.forward[0].forEach(function (info, j) {
          list.appendChild(D.el("li", { text: "hidden " + (j + 1) + ": " + neuronLine(info) }));
        });
        list.appendChild(D.el("li", { "data-value": String(d.output), text: "output: " + neuronLine(d.forward[1][0]) }));
        panel.appendChild(list);
      } else if (stage === 1) {
        panel.appendChild(D.el("h3", { text: "Loss" }));
        panel.appendChild(D.el("p", { class: "demo-calc", "data-value": String(d.loss),
          text: d.loss_formula + " = (" + D.fmt(d.output) + " − " + D.fmt(d.target, 0) + ")² = " + D.fmt(d.loss, 4) }));
      } else if (stage === 2) {
        panel.appendChild(D.el("h3", { text: "Backpropagation: blame flows backwards" }));
        var rows = [["output", D.fmt(d.blame[1][0].delta[0], 4)]];
        d.blame[0].forEach(function (b, j) { rows.push(["hidden " + (j + 1), D.fmt(b.delta[0], 4)]); });
        panel.appendChild(table("Blame dL/dz of each neuron, output first", ["neuron", "blame dL/dz"], rows));
        var grads = [];
        d.grads.forEach(function (g, li) {
          g.dW.forEach(function (r, i) { r.forEach(function (v, j) { grads.push(["dL/d" + weightName(li, i, j), D.fmt(v, 4)]); }); });
          g.db.forEach(function (v, j) { grads.push(["dL/d" + biasName(li, j), D.fmt(v, 4)]); });
        });
        panel.appendChild(table("Gradients: blame × the input on that connection", ["weight", "gradient"], grads));
      } else if (stage === 3) {
        panel.appendChild(D.el("h3", { text: "Update with learning rate " + D.fmt(d.lr, 2) }));
        var upd = [];
        d.weights.forEach(function (layer, li) {
          layer.W.forEach(function (r, i) {
            r.forEach(function (w, j) {
              upd.push([weightName(li, i, j), D.fmt(w), D.fmt(d.grads[li].dW[i][j], 4), D.fmt(d.weights_after[li].W[i][j])]);
            });
          });
          layer.b.forEach(function (b, j) {
            upd.push([biasName(li, j), D.fmt(b), D.fmt(d.grads[li].db[j], 4), D.fmt(d.weights_after[li].b[j])]);
          });
        });
        panel.appendChild(table("new = old − " + D.fmt(d.lr, 2) + " × gradient", ["weight", "old", "gradient", "new"], upd));
      } else {
        panel.appendChild(D.el("h3", { text: "Repeat" }));
        var fell = d.loss_after < d.loss;
        panel.appendChild(D.el("p", { "data-value": String(d.loss_after),
          text: "With the new weights the loss is " + D.fmt(d.loss_after, 4) + " (it was " + D.fmt(d.loss, 4) + "): " +
            (fell ? "smaller, so the network got a little better." : "not smaller this time.") }));
        panel.appendChild(D.el("p", { text: "Press Next step to start round " + (round + 2) + "." }));
      }
    }

    function render() {
      var d = data;
      stageItems.forEach(function (li, k) {
        if (k === stage) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
        li.classList.toggle("done", k < stage);
      });
      D.q(root, "explain").textContent = stageItems[stage].getAttribute("data-explain");
      D.q(root, "round").textContent = String(round + 1);
      var shownLoss = stage === 4 ? d.loss_after : d.loss;
      var lossOut = D.q(root, "loss");
      lossOut.textContent = stage === 0 ? "not measured yet" : D.fmt(shownLoss, 4);
      lossOut.setAttribute("data-value", stage === 0 ? "" : String(shownLoss));

      var weights = stage >= 3 ? d.weights_after : d.weights;
      var nodes = [d.inputs, d.forward[0].map(function (n) { return n.a; }), [d.output]];
      var edges = edgesOf(weights);
      if (stage === 2) { edges.forEach(function (e) { e.cls = "flow"; }); }
      D.networkDiagram(D.q(root, "diagram"), nodes, edges, {
        edgeLabels: stage === 3,
        labels: function (li, j) { return li === 0 ? "x" + (j + 1) : li === 1 ? "h" + (j + 1) : "output"; },
        extra: stage === 2 ? function (li, j) {
          return li === 0 ? "" : "blame " + D.fmt(d.blame[li - 1][j].delta[0], 3);
        } : null,
        title: "The tiny network in round " + (round + 1)
      });
      D.q(root, "diagram-text").textContent = stage === 2
        ? "Blame flows from the output (" + D.fmt(d.blame[1][0].delta[0], 3) + ") back to the hidden neurons (" +
          d.blame[0].map(function (b) { return D.fmt(b.delta[0], 3); }).join(", ") + ")."
        : "Inputs " + d.inputs.map(function (v) { return D.fmt(v, 2); }).join(" and ") + " give hidden values " +
          nodes[1].map(function (v) { return D.fmt(v, 2); }).join(", ") + " and output " + D.fmt(d.output, 3) +
          (stage >= 3 ? "; the weights shown are the updated ones." : ".");
      renderPanel();

      var history = stage === 4 ? d.loss_history : d.loss_history.slice(0, d.loss_history.length - 1);
      var pts = history.map(function (v, k) { return [k + 1, v]; });
      D.lineChart(D.q(root, "loss-chart"), [{ name: "loss", points: pts, cls: "s0", markers: pts.length < 40 }], {
        xLabel: "round", yLabel: "loss", title: "Loss after each round", legend: false
      });
      D.q(root, "loss-text").textContent = pts.length > 1
        ? "Loss fell from " + D.fmt(history[0], 4) + " to " + D.fmt(history[history.length - 1], 4) + " over " +
          (pts.length - 1) + " update" + (pts.length > 2 ? "s" : "") + "."
        : "Loss at the start: " + D.fmt(history[0], 4) + ".";
    }

    next.addEventListener("click", function () {
      if (!data || loading) { return; }
      if (stage < STAGES - 1) { stage += 1; render(); return; }
      stage = 0;
      load(round + 1);
    });
    skip.addEventListener("click", function () {
      if (loading || skip.getAttribute("aria-disabled") === "true") { return; }
      stage = 4; load(Math.min(200, round + 10));
    });
    reset.addEventListener("click", function () { stage = 0; load(0); });
    load(0);
  });
})();
