// Data and bias lab: the engine trains the same network on few, many and varied examples and tests each on photos
// in the same and in different lighting; accuracy per group shows who the model fails.
(function () {
  "use strict";
  var D = window.TutorDemos;

  D.register("bias-lab", function (root) {
    var url = root.getAttribute("data-api");
    var gentle = root.getAttribute("data-gentle") === "true";
    var shift = root.querySelector('[data-input="shift"]');
    // Ages 5-8 read words, not numbers: how different the light is, who the robots are, how many they got right.
    var LIGHT = ["the same", "a tiny bit", "a little", "a bit", "quite a lot", "a lot", "very"];
    var ROBOTS = { few: "Robot 1 saw a few photos", many: "Robot 2 saw lots of photos",
                   varied: "Robot 3 saw lots of photos in all kinds of light" };
    D.bindSlider(shift, function (v) {
      if (gentle) { return LIGHT[Math.round(parseFloat(v) * 2)] || "very"; }
      return parseFloat(v) === 0 ? "none" : D.fmt(parseFloat(v), 1);
    });
    var seed = 0, run = D.q(root, "run");

    function groupBar(g, k) {
      var fill = D.el("span", { class: "bar-fill g" + k });
      fill.style.width = (100 * (g.accuracy || 0)).toFixed(1) + "%";
      var name = gentle ? (k === 0 ? "Same light" : "Different light") : g.name;
      var said = gentle ? g.correct + " of " + g.count + " right" : D.pct(g.accuracy) + " (" + g.correct + "/" + g.count + ")";
      // 5-8 read-aloud skips the bars: the sentence under the picture says the same numbers in words.
      return D.el("div", { class: "group-bar", "data-group": g.name, "data-value": String(g.accuracy),
                           "data-speak-skip": gentle ? "" : null }, [
        D.el("span", { text: name }),
        D.el("div", { class: "bar-track", role: "img", "aria-label": name + ": " + (gentle ? said :
          D.pct(g.accuracy) + " right (" + g.correct + " of " + g.count + ")") }, [
          fill, D.el("span", { class: "bar-text", text: said })
        ])
      ]);
    }

    // The same story for 5-8, from the same numbers: which robot got more right, in words.
    function gentleLesson(byId) {
      var same = function (id) { return byId[id].groups[0]; }, other = function (id) { return byId[id].groups[1]; };
      var parts = [];
      parts.push(same("few").correct < same("many").correct
        ? "Robot 1 saw only a few photos, so it got more wrong than Robot 2."
        : "Robot 1 saw only a few photos, but this time it did as well as Robot 2.");
      parts.push(other("many").correct < same("many").correct
        ? "When the light changed, Robot 2 got fooled: it only ever saw one kind of light."
        : "When the light changed, Robot 2 still did well this time.");
      parts.push(other("varied").correct > other("many").correct
        ? "Robot 3 saw all kinds of light, so it got more of the different-light photos right."
        : "Robot 3 saw all kinds of light, but this time it did not do better.");
      return parts.join(" ");
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
        ], { title: gentle ? "What " + ROBOTS[res.id].split(" saw")[0] + " thinks, with the photos it saw (filled) and new photos (empty)"
                            : "What the network trained on " + res.label + " predicts, with its training photos (filled) and test photos (hollow)" });
        box.appendChild(D.el("div", { class: "bias-result", "data-set": res.id }, [
          D.el("h3", { text: gentle ? ROBOTS[res.id] : "Trained on " + res.label }),
          groupBar(res.groups[0], 0), groupBar(res.groups[1], 1), pic,
          D.el("p", { class: "demo-legend-text", text: gentle
            ? "It saw " + res.examples + " photos. Same light: " + res.groups[0].correct + " of " + res.groups[0].count +
              " right. Different light: " + res.groups[1].correct + " of " + res.groups[1].count + " right."
            : res.examples + " training photos. In the same light it got " +
              D.pct(res.groups[0].accuracy) + " right; in different light " + D.pct(res.groups[1].accuracy) + "." })
        ]));
      });
      var byId = {};
      r.results.forEach(function (res) { byId[res.id] = res; });
      var drop = function (res) { return res.groups[0].accuracy - res.groups[1].accuracy; };
      var few = byId.few.groups[0].accuracy, many = byId.many.groups[0].accuracy;
      if (gentle) {
        D.q(root, "lesson").textContent = gentleLesson(byId);
        D.q(root, "status").textContent = "The three robots learned. Look how they did!";
        return;
      }
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
