// Data and bias lab: the engine trains the same network on few, many and varied examples and tests each on photos
// in the same and in different lighting; accuracy per group shows who the model fails.
(function () {
  "use strict";
  var D = window.TutorDemos;

  D.register("bias-lab", function (root) {
    var url = root.getAttribute("data-api");
    var shift = root.querySelector('[data-input="shift"]');
    D.bindSlider(shift, function (v) { return parseFloat(v) === 0 ? "none" : D.fmt(parseFloat(v), 1); });
    var seed = 0, run = D.q(root, "run");

    function groupBar(g, k) {
      var fill = D.el("span", { class: "bar-fill g" + k });
      fill.style.width = (100 * (g.accuracy || 0)).toFixed(1) + "%";
      return D.el("div", { class: "group-bar", "data-group": g.name, "data-value": String(g.accuracy) }, [
        D.el("span", { text: g.name }),
        D.el("div", { class: "bar-track", role: "img", "aria-label": g.name + ": " + D.pct(g.accuracy) + " right (" + g.correct + " of " + g.count + ")" }, [
          fill, D.el("span", { class: "bar-text", text: D.pct(g.accuracy) + " (" + g.correct + "/" + g.count + ")" })
        ])
      ]);
    }

    function render(r) {
      D.showError(root, null);
      var box = D.clear(D.q(root, "results"));
      r.results.forEach(function (res) {
        var pic = D.el("div", { class: "demo-chart" });
        var wrong = res.predicted.map(function (p, i) { return p !== r.test.y[i]; });
        D.boundaryChart(pic, res.grid, [
          { x: r.test.x, y: r.test.y, hollow: true, wrong: wrong, r: 2.6 },
          { x: res.train.x, y: res.train.y, r: 4.2 }
        ], { title: "What the network trained on " + res.label + " predicts, with its training photos (filled) and test photos (hollow)" });
        box.appendChild(D.el("div", { class: "bias-result", "data-set": res.id }, [
          D.el("h3", { text: "Trained on " + res.label }),
          groupBar(res.groups[0], 0), groupBar(res.groups[1], 1), pic,
          D.el("p", { class: "demo-legend-text", text: res.examples + " training photos. In the same light it got " +
            D.pct(res.groups[0].accuracy) + " right; in different light " + D.pct(res.groups[1].accuracy) + "." })
        ]));
      });
      var byId = {};
      r.results.forEach(function (res) { byId[res.id] = res; });
      var drop = function (res) { return res.groups[0].accuracy - res.groups[1].accuracy; };
      var few = byId.few.groups[0].accuracy, many = byId.many.groups[0].accuracy;
      D.q(root, "lesson").textContent = "In the same light, " + byId.few.examples + " training photos got " +
        D.pct(few) + " right and " + byId.many.examples + " got " + D.pct(many) +
        (few < many ? ": a few photos can miss a kind of photo, so the network guesses there. " : ". ") +
        "Trained in one light, the network with 50 per class drops from " +
        D.pct(byId.many.groups[0].accuracy) + " to " + D.pct(byId.many.groups[1].accuracy) +
        " when the light changes: it fails the photos it never saw anything like. With mixed lighting in its training photos it gets " +
        D.pct(byId.varied.groups[1].accuracy) + " of the different-light photos right" +
        (drop(byId.varied) < drop(byId.many) ? ", so more varied data helps." : ".");
      D.q(root, "status").textContent = "Trained three networks with lighting shift " + D.fmt(r.shift, 1) + ".";
    }

    // aria-disabled while training (not disabled): the button a keyboard user pressed keeps the focus.
    var busy = false;
    function go() {
      if (busy) { return; }
      busy = true;
      run.setAttribute("aria-disabled", "true");
      D.q(root, "status").textContent = "Training…";
      D.post(url, { seed: seed, shift: parseFloat(shift.value) }).then(render, function (e) { D.showError(root, e); })
        .then(function () { busy = false; run.removeAttribute("aria-disabled"); });
    }
    run.addEventListener("click", go);
    D.q(root, "new-photos").addEventListener("click", function () { seed += 1; go(); });
    shift.addEventListener("change", go);
    go();
  });
})();
