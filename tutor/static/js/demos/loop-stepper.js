// Learning-loop stepper: forward pass, loss, backpropagation (blame flowing backwards), update, repeat,
// on the engine's tiny 2-2-1 network. The server replays rounds from the seed, so nothing is kept on it.
// "Repeat" shows the next round's forward pass (the server's round r + 1 starts from round r's updated weights),
// so the diagram, caption, header and panel always describe the same network. Ages 5-8 get words and bars.
(function () {
  "use strict";
  var D = window.TutorDemos;
  var STAGES = 5;
  var LAST_ROUND = 200;  // the server's MAX_ROUNDS: Repeat in a round needs the round after it

  function weightName(layer, i, j) { return layer === 0 ? "w" + (i + 1) + (j + 1) : "v" + (i + 1); }
  function biasName(layer, j) { return layer === 0 ? "b" + (j + 1) : "c"; }

  D.register("loop-stepper", function (root) {
    var url = root.getAttribute("data-api");
    var gentle = root.getAttribute("data-track") === "ages-5-8";
    var stageItems = Array.prototype.slice.call(root.querySelectorAll("[data-stage]"));
    var round = 0, stage = 0, data = null, after = null, seed = 0;
    var next = D.q(root, "next"), skip = D.q(root, "skip"), reset = D.q(root, "reset");

    var loading = false;
    // Round r and round r + 1 (whose forward pass uses round r's updated weights: what "Repeat" shows).
    // aria-disabled while a round loads (not disabled): the button a keyboard user pressed keeps the focus.
    function load(r) {
      loading = true;
      [next, skip].forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
      return Promise.all([D.post(url, { seed: seed, round: r }),
                          r < LAST_ROUND ? D.post(url, { seed: seed, round: r + 1 }) : null]).then(function (both) {
        data = both[0]; after = both[1]; round = r;
        D.showError(root, null);
        render();
      }, function (e) { D.showError(root, e); }).then(function () {
        loading = false;
        updateButtons();
      });
    }

    function updateButtons() {
      if (!after && stage === STAGES - 2) { next.setAttribute("aria-disabled", "true"); } else { next.removeAttribute("aria-disabled"); }
      if (round + 10 >= LAST_ROUND) { skip.setAttribute("aria-disabled", "true"); } else { skip.removeAttribute("aria-disabled"); }
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

    // The mistake a 5-8 year old is shown: how far the guess is from the right answer, which the bars show side by
    // side. The loss is that distance squared (0.57 away is a loss of 0.33): a shorter bar than the gap it measures.
    // One example, so the loss is the squared distance and its square root is the distance.
    function mistake(loss) { return Math.sqrt(Math.max(0, loss)); }

    // A picture of a number between 0 and 1 (the guess, the right answer, the mistake) for ages 5-8, with the number
    // in whole hundredths (0.57 reads "57").
    function bar(label, value, part) {
      var fill = D.el("span", { class: "bar-fill" });
      fill.style.width = (Math.max(0, Math.min(1, value)) * 100).toFixed(1) + "%";
      var shownValue = D.hundredths(value);
      return D.el("div", { class: "group-bar", "data-part": part, "data-value": String(value) }, [
        D.el("span", { text: label }),
        D.el("div", { class: "bar-track", role: "img", "aria-label": label + ": " + shownValue }, [
          fill, D.el("span", { class: "bar-text", text: shownValue })])
      ]);
    }

    function gentlePanel(panel) {
      var d = data;
      if (stage === 0) {
        panel.appendChild(D.el("h3", { text: "The robot brain guesses" }));
        panel.appendChild(D.el("p", { text: "Two numbers go in. The robot brain makes a guess." }));
        panel.appendChild(bar("Its guess", d.output, "guess-bar"));
        panel.appendChild(bar("Right answer", d.target, "answer-bar"));
      } else if (stage === 1) {
        panel.appendChild(D.el("h3", { text: "How wrong was it?" }));
        panel.appendChild(D.el("p", { text: "The guess and the right answer are not the same. " +
          "The mistake bar shows how far the guess is from the right answer. A long bar means very wrong." }));
        panel.appendChild(bar("Mistake", mistake(d.loss), "mistake-bar"));
      } else if (stage === 2) {
        panel.appendChild(D.el("h3", { text: "Who made the mistake?" }));
        panel.appendChild(D.el("p", { text: "The robot looks back from its guess to the start. " +
          "It finds out how much each line helped to make the mistake." }));
      } else if (stage === 3) {
        panel.appendChild(D.el("h3", { text: "Fix the lines" }));
        panel.appendChild(D.el("p", { text: "Each line changes a tiny bit, so the next guess is not so wrong." }));
        if (!after) { panel.appendChild(D.el("p", { text: "This was the last round. Press Start again to play again." })); }
      } else {
        var fell = after.loss < d.loss;
        panel.appendChild(D.el("h3", { text: "Try again!" }));
        panel.appendChild(D.el("p", { text: "With the fixed lines, the robot guesses again." }));
        panel.appendChild(bar("Guess before", d.output, "guess-before-bar"));
        panel.appendChild(bar("Guess now", after.output, "guess-bar"));
        panel.appendChild(bar("Right answer", d.target, "answer-bar"));
        panel.appendChild(bar("Mistake before", mistake(d.loss), "mistake-before-bar"));
        panel.appendChild(bar("Mistake now", mistake(after.loss), "mistake-bar"));
        panel.appendChild(D.el("p", { "data-value": String(after.loss),
          text: fell ? "The mistake got smaller. The robot got a little better!" : "The mistake did not get smaller this time." }));
        panel.appendChild(D.el("p", { text: "Press Next step to go round again." }));
      }
    }

    function renderPanel() {
      var panel = D.clear(D.q(root, "panel"));
      var d = data;
      if (gentle) {
        gentlePanel(panel);
      } else if (stage === 0) {
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
        if (!after) { panel.appendChild(D.el("p", { text: "This is the last round of the demo: press Start again." })); }
      } else {
        panel.appendChild(D.el("h3", { text: "Repeat" }));
        var fell = after.loss < d.loss;
        panel.appendChild(D.el("p", { "data-value": String(after.loss),
          text: "With the new weights the output is " + D.fmt(after.output, 3) + " (it was " + D.fmt(d.output, 3) +
            ") and the loss is " + D.fmt(after.loss, 4) + " (it was " + D.fmt(d.loss, 4) + "): " +
            (fell ? "smaller, so the network got a little better." : "not smaller this time.") }));
        panel.appendChild(D.el("p", { text: "Press Next step to start round " + (round + 2) + "." }));
      }
    }

    function caption(shownNet, hidden) {
      if (gentle) {
        return stage === 2 ? "The blame goes backwards along the lines, from the guess to the start."
          : stage === 3 ? "The lines have changed a little. The guess on the right is still the old one: " + D.hundredths(data.output) + "."
          : stage === 4 ? "With the fixed lines, the new guess on the right is " + D.hundredths(shownNet.output) + "."
          : "Two numbers go in on the left. The guess comes out on the right: " + D.hundredths(shownNet.output) + ".";
      }
      if (stage === 2) {
        return "Blame flows from the output (" + D.fmt(data.blame[1][0].delta[0], 3) + ") back to the hidden neurons (" +
          data.blame[0].map(function (b) { return D.fmt(b.delta[0], 3); }).join(", ") + ").";
      }
      var values = "inputs " + shownNet.inputs.map(function (v) { return D.fmt(v, 2); }).join(" and ") + " give hidden values " +
        hidden.map(function (v) { return D.fmt(v, 2); }).join(", ") + " and output " + D.fmt(shownNet.output, 3);
      return stage === 3 ? "The numbers on the lines are the updated weights; the circles still show this round's forward " +
          "pass with the old weights: " + values + "."
        : stage === 4 ? "With the updated weights (the numbers on the lines), " + values + "."
        : values.charAt(0).toUpperCase() + values.slice(1) + ".";
    }

    function render() {
      var d = data;
      // The network on screen: in Repeat, the next round's forward pass with this round's updated weights.
      var net = stage === 4 ? after : d;
      stageItems.forEach(function (li, k) {
        if (k === stage) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
        li.classList.toggle("done", k < stage);
      });
      D.q(root, "explain").textContent = stageItems[stage].getAttribute("data-explain");
      D.q(root, "round").textContent = String(round + 1);
      // Nothing is measured before the first check; after that the header and the chart end on the loss on screen.
      var unmeasured = stage === 0 && round === 0;
      var lossOut = D.q(root, "loss");
      lossOut.textContent = unmeasured ? (gentle ? "not checked yet" : "not measured yet")
        : gentle ? D.hundredths(mistake(net.loss)) : D.fmt(net.loss, 4);
      lossOut.setAttribute("data-value", unmeasured ? "" : String(net.loss));

      var weights = stage === 3 ? d.weights_after : net.weights;
      var hidden = net.forward[0].map(function (n) { return n.a; });
      var edges = edgesOf(weights);
      if (stage === 2) { edges.forEach(function (e) { e.cls = "flow"; }); }
      D.networkDiagram(D.q(root, "diagram"), [net.inputs, hidden, [net.output]], edges, {
        edgeLabels: !gentle && stage >= 3,
        format: gentle ? D.hundredths : null,
        labels: gentle
          ? function (li) { return li === 0 ? "in" : li === 1 ? "middle" : "guess"; }
          : function (li, j) { return li === 0 ? "x" + (j + 1) : li === 1 ? "h" + (j + 1) : "output"; },
        extra: stage === 2 && !gentle ? function (li, j) {
          return li === 0 ? "" : "blame " + D.fmt(d.blame[li - 1][j].delta[0], 3);
        } : null,
        title: gentle ? "The robot brain in round " + (round + 1) : "The tiny network in round " + (round + 1)
      });
      var diagramText = D.q(root, "diagram-text");
      diagramText.textContent = caption(net, hidden);
      diagramText.setAttribute("data-output", String(net.output));
      renderPanel();

      var history = unmeasured ? [] : net.loss_history.slice(0, net.round + 1);
      var pts = history.map(function (v, k) { return [k + 1, gentle ? Math.round(mistake(v) * 100) : v]; });
      var lossWord = gentle ? "mistake" : "loss";
      D.lineChart(D.q(root, "loss-chart"), [{ name: lossWord, points: pts, cls: "s0", markers: pts.length < 40 }], {
        xLabel: "round", yLabel: lossWord, xIntegers: true, legend: false,
        yMax: gentle ? 100 : undefined,  // 5-8: the whole scale, 0 to 100, so every tick is a whole number
        title: gentle ? "How big the mistake was in each round" : "Loss after each round"
      });
      var last = history[history.length - 1];
      D.q(root, "loss-text").textContent = !pts.length ? (gentle ? "Not checked yet." : "No loss measured yet.")
        : gentle ? (pts.length > 1 ? "The mistake went from " + D.hundredths(mistake(history[0])) + " to " +
                                     D.hundredths(mistake(last)) + "." :
                    "The mistake at the start: " + D.hundredths(mistake(last)) + ".")
        : pts.length > 1
          ? "Loss fell from " + D.fmt(history[0], 4) + " to " + D.fmt(last, 4) + " over " +
            (pts.length - 1) + " update" + (pts.length > 2 ? "s" : "") + "."
          : "Loss at the start: " + D.fmt(last, 4) + ".";
    }

    next.addEventListener("click", function () {
      if (!data || loading || next.getAttribute("aria-disabled") === "true") { return; }
      if (stage < STAGES - 1) { stage += 1; render(); updateButtons(); return; }
      stage = 0;
      load(round + 1);
    });
    skip.addEventListener("click", function () {
      if (loading || skip.getAttribute("aria-disabled") === "true") { return; }
      stage = 4; load(Math.min(LAST_ROUND - 1, round + 10));
    });
    reset.addEventListener("click", function () { stage = 0; load(0); });
    load(0);
  });
})();
