// Learning-rate explorer: the engine descends one loss bowl with rates too small, about right and too large
// (and the learner's own), drawn side by side on one loss chart (log scale) with a card per run.
(function () {
  "use strict";
  var D = window.TutorDemos;
  var WORDS = { slow: "slow: still far from the bottom", converged: "reached the bottom", diverged: "diverged: the loss grew" };

  D.register("lr-explorer", function (root) {
    var url = root.getAttribute("data-api");
    var steps = root.querySelector('[data-input="steps"]'), rate = root.querySelector('[data-input="rate"]');
    D.bindSlider(steps);
    D.bindSlider(rate, function (v) { return D.fmt(parseFloat(v), 2); });
    var seed = 0;

    function render(r) {
      D.showError(root, null);
      var series = r.runs.map(function (run, i) {
        return { name: "rate " + D.fmt(run.lr, 3) + " (" + run.label + ")", cls: "s" + [2, 0, 1, 3][i], markers: true,
                 points: run.path.map(function (p) { return [p.step, p.loss]; }) };
      });
      D.lineChart(D.q(root, "chart"), series, { logY: true, xLabel: "step", yLabel: "loss (log scale)",
                                                 title: "Loss per step for each learning rate" });
      D.q(root, "chart-text").textContent = "Over " + r.steps + " steps: " + r.runs.map(function (run) {
        return "with rate " + D.fmt(run.lr, 3) + " (" + run.label + ") the loss went from " +
          D.fmt(run.path[0].loss, 2) + " to " + D.fmt(run.final_loss, 3) + " (" + run.outcome + ")";
      }).join("; ") + ".";
      D.q(root, "bowl").textContent = r.formulas[0] + " with c = " + D.fmt(r.bowl.c, 1) + ", the bottom at w = " +
        D.fmt(r.bowl.w_best, 1) + ", starting at w = " + D.fmt(r.bowl.start, 1) + ". Each step: " + r.formulas[2] + ".";
      var cards = D.clear(D.q(root, "cards"));
      r.runs.forEach(function (run) {
        cards.appendChild(D.el("div", { class: "rate-card " + run.outcome, "data-outcome": run.outcome }, [
          D.el("h3", { text: run.label.charAt(0).toUpperCase() + run.label.slice(1) + ": rate " + D.fmt(run.lr, 3) }),
          D.el("p", { class: "outcome", text: WORDS[run.outcome] || run.outcome }),
          D.el("p", { text: "w went from " + D.fmt(run.path[0].w, 2) + " to " + D.fmt(run.final_w, 2) +
                            "; loss " + D.fmt(run.path[0].loss, 2) + " → " + D.fmt(run.final_loss, 3) + "." }),
          D.el("p", { class: "demo-legend-text", text: "Each step multiplies the distance to the bottom by " + D.fmt(run.factor, 2) + "." })
        ]));
      });
    }

    var refresh = D.latest(function () {
      return D.post(url, { seed: seed, steps: parseInt(steps.value, 10), your_rate: parseFloat(rate.value) });
    }, render, function (e) { D.showError(root, e); }, 60);
    root.addEventListener("input", function () { refresh(); });
    D.q(root, "new-problem").addEventListener("click", function () { seed += 1; refresh(true); });
    refresh(true);
  });
})();
