// Learning-rate explorer: the engine descends one loss bowl with rates too small, about right and too large
// (and the learner's own), drawn side by side on one loss chart (log scale) with a card per run.
// Ages 5-8 (data-gentle): three friends walk down a picture of the hill (the same bowl, drawn as height against
// place, not on a log scale), one slider for the number of steps, and each outcome told in words.
(function () {
  "use strict";
  var D = window.TutorDemos;
  var WORDS = { slow: "slow: still far from the bottom", converged: "reached the bottom", diverged: "diverged: the loss grew" };
  var KID_NAMES = { "too small": "Tiny steps", "about right": "Good steps", "too large": "Giant jumps", "your rate": "Your steps" };
  var KID_WORDS = { slow: "Still walking. Not at the bottom yet.", converged: "Got to the bottom! ⭐",
                    almost: "Almost at the bottom!",
                    diverged: "Oh no! Each jump goes past the bottom and up higher." };
  var KID_SHORT = { slow: "not at the bottom yet", converged: "at the bottom", almost: "almost at the bottom",
                    diverged: "higher and higher" };

  // What a child is told about a walker: the engine's verdict, unless its height already shows as (nearly) 0 (the
  // engine's "at the bottom" needs a thousandth of the start): "not at the bottom" next to "0 high" reads as a lie.
  function kidOutcome(run) {
    return run.outcome === "slow" && /^(nearly )?0 high$/.test(height(run.final_loss) || "") ? "almost" : run.outcome;
  }
  var TOO_HIGH = 1000;

  // Heights are told in whole numbers ("20 high", "4 high"): decimals are hard to read at 5-8. A height that rounds
  // to 0 but is not there yet is "nearly 0 high".
  function height(loss) {
    if (loss === null || loss >= TOO_HIGH) { return null; }
    var whole = Math.round(loss);
    return (whole === 0 && loss > 0 ? "nearly 0" : String(whole)) + " high";
  }

  D.register("lr-explorer", function (root) {
    var url = root.getAttribute("data-api");
    var gentle = root.getAttribute("data-gentle") === "true";
    var steps = root.querySelector('[data-input="steps"]'), rate = root.querySelector('[data-input="rate"]');
    D.bindSlider(steps);
    if (rate) { D.bindSlider(rate, function (v) { return D.fmt(parseFloat(v), 2); }); }
    var seed = 0;

    // The hill: every place the engine's walkers stood (and its mirror image: the bowl is symmetric), drawn as
    // height against place, kept to the part of the hill near the start so giant jumps fly off the picture.
    function renderGentle(r) {
      D.showError(root, null);
      var bottom = r.bowl.w_best, reach = 1.6 * Math.abs(r.bowl.start - bottom);
      var near = function (p) { return p.w !== null && p.loss !== null && Math.abs(p.w - bottom) <= reach; };
      var hill = [];
      r.runs.forEach(function (run) {
        run.path.filter(near).forEach(function (p) { hill.push([p.w, p.loss], [2 * bottom - p.w, p.loss]); });
      });
      hill.sort(function (a, b) { return a[0] - b[0]; });
      var series = [{ name: "The hill", cls: "hill", points: hill }].concat(r.runs.map(function (run, i) {
        return { name: KID_NAMES[run.label] || run.label, cls: "s" + [2, 0, 1, 3][i], markers: true,
                 points: run.path.filter(near).map(function (p) { return [p.w, p.loss]; }) };
      }));
      D.lineChart(D.q(root, "chart"), series, { xLabel: "across the hill", yLabel: "how high",
                                                 title: "A hill. The dots show where each friend stepped." });
      D.q(root, "chart-text").textContent = "Each dot is one step. " + r.runs.map(function (run) {
        return (KID_NAMES[run.label] || run.label) + ": " + (KID_SHORT[kidOutcome(run)] || run.outcome);
      }).join(". ") + ".";
      var cards = D.clear(D.q(root, "cards"));
      r.runs.forEach(function (run) {
        var start = height(run.path[0].loss), end = height(run.final_loss);
        cards.appendChild(D.el("div", { class: "rate-card " + run.outcome, "data-outcome": run.outcome,
                                        "data-final": String(run.final_loss) }, [
          D.el("h3", { text: KID_NAMES[run.label] || run.label }),
          D.el("p", { class: "outcome", text: KID_WORDS[kidOutcome(run)] || run.outcome }),
          D.el("p", { text: "At the start: " + (start || "very high") + ". After " + r.steps + " steps: " +
                            (end || "way too high to count!") + (end ? "." : "") })
        ]));
      });
    }

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
      var body = { seed: seed, steps: parseInt(steps.value, 10) };
      if (rate) { body.your_rate = parseFloat(rate.value); }
      return D.post(url, body);
    }, gentle ? renderGentle : render, function (e) { D.showError(root, e); }, 60);
    root.addEventListener("input", function () { refresh(); });
    D.q(root, "new-problem").addEventListener("click", function () { seed += 1; refresh(true); });
    refresh(true);
  });
})();
