// Training playground: the server trains a few epochs at a time from the weights this page sends back (it keeps
// nothing), and answers with the loss/accuracy history, a decision-boundary grid and the overfitting alarm.
// Ages 5-8 (data-gentle): the network is fixed by hidden inputs; the page counts practice rounds, draws one "how
// wrong" line for practice dots and new dots, and leaves out losses, accuracy and percentages.
(function () {
  "use strict";
  var D = window.TutorDemos;
  var RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];
  var CHUNK = 10, MAX_EPOCHS = 3000;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }

  D.register("training-playground", function (root) {
    var url = root.getAttribute("data-api");
    var gentle = root.getAttribute("data-gentle") === "true";
    var say = function (older, young) { return gentle ? young : older; };
    var rounds = function (n) { return n + (n === 1 ? " practice round" : " practice rounds"); };
    var rate = root.querySelector('[data-input="rate"]'), units = root.querySelector('[data-input="units"]');
    D.bindSlider(rate, function (v) { return String(RATES[parseInt(v, 10)]); });
    D.bindSlider(units);
    var runButton = D.q(root, "run"), stepButton = D.q(root, "step"), resetButton = D.q(root, "reset");
    var state, running = false, busy = false, generation = 0, pauseNoted = false;

    function setting(name) {
      var nodes = root.querySelectorAll('[data-setting="' + name + '"]');
      for (var i = 0; i < nodes.length; i++) {
        if (nodes[i].type !== "radio" || nodes[i].checked) { return nodes[i].value; }
      }
      return null;
    }

    function settings() {
      var layers = parseInt(setting("layers"), 10), n = parseInt(units.value, 10), hidden = [];
      for (var i = 0; i < layers; i++) { hidden.push(n); }
      return { dataset: setting("dataset"), amount: setting("amount"), seed: 0, hidden: hidden,
               activation: setting("activation"), lr: RATES[parseInt(rate.value, 10)] };
    }

    function fresh() {
      generation += 1;
      state = { weights: null, watch: null, epoch: 0, alarm: true, data: null, h: null, diverged: false, last: null };
    }

    function setRunning(on) {
      running = on;
      runButton.textContent = on ? "Pause" : say("Train", "Learn!");
      runButton.setAttribute("aria-pressed", on ? "true" : "false");
    }

    function status(text) { D.q(root, "status").textContent = text || ""; }

    // Said again when a chunk asked for before the pause arrives, so the message counts what the page shows.
    function notePause() {
      status(say("Paused at epoch " + state.epoch + ".", "Paused after " + rounds(state.epoch) + "."));
    }

    function showAlert(kind, title, text, canContinue) {
      var box = D.q(root, "alert");
      box.hidden = !kind;
      box.classList.toggle("explode", kind === "explode");
      box.setAttribute("data-kind", kind || "");
      D.q(root, "alert-title").textContent = title || "";
      D.q(root, "alert-text").textContent = text || "";
      D.q(root, "alert-actions").hidden = !canContinue;
    }

    function request(epochs) {
      var s = settings();
      s.epochs = epochs;
      s.epoch_offset = state.epoch;
      s.weights = state.weights;
      s.watch = state.watch;
      s.alarm = state.alarm;
      s.include_data = !state.data;
      return D.post(url, s);
    }

    function absorb(r) {
      if (r.data) { state.data = r.data; }
      if (!state.h) { state.h = { epochs: [], train_loss: [], test_loss: [], train_accuracy: [], test_accuracy: [] }; }
      ["epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy"].forEach(function (k) {
        Array.prototype.push.apply(state.h[k], r[k]);
      });
      state.epoch = r.epoch;
      state.weights = r.weights;
      state.watch = r.watch;
      state.diverged = r.diverged;
      state.last = r;
    }

    function drawGentle() {
      var r = state.last, h = state.h;
      if (!r || !h) { return; }
      var n = h.epochs.length - 1;
      D.q(root, "epoch").textContent = String(state.epoch);
      var pts = function (key) { return h.epochs.map(function (e, i) { return [e, h[key][i]]; }); };
      D.lineChart(D.q(root, "loss-chart"), [
        { name: "on practice dots", points: pts("train_loss"), cls: "s0" },
        { name: "on new dots", points: pts("test_loss"), cls: "s1" }
      ], { xLabel: "practice rounds", yLabel: "how wrong", xIntegers: true,
           title: "How wrong the computer is after each practice round" });
      var lower = h.train_loss[n] !== null && h.train_loss[n] < h.train_loss[0];
      D.q(root, "loss-text").textContent = n === 0 ? "The lines show how wrong the computer is. Lower is better!"
        : "It had " + rounds(state.epoch) + ". Now it is " + (lower ? "less" : "more") +
          " wrong than at the start. Lower is better!";
      if (state.data) {
        drawBoundary(r, "The dots, and the colour the computer paints each place");
        D.q(root, "boundary-text").textContent = "Each colour shows what the computer thinks goes there. " +
          "Filled dots are for practice. There are " + state.data.train.x.length + ". Empty dots are new. " +
          "It never saw them. There are " + state.data.test.x.length + ".";
      }
    }

    // The picture of what the network thinks, with the practice (filled) and new (hollow) dots; the last grid's box
    // is kept so the picture does not jump while a chunk without a grid is drawn.
    function drawBoundary(r, title) {
      D.boundaryChart(D.q(root, "boundary"), r.grid, [
        { x: state.data.train.x, y: state.data.train.y },
        { x: state.data.test.x, y: state.data.test.y, hollow: true, r: 2.6 }
      ], { title: title, box: r.grid || state.box });
      if (r.grid) { state.box = { x: r.grid.x, y: r.grid.y }; }
    }

    function draw() {
      if (gentle) { drawGentle(); return; }
      var r = state.last, h = state.h;
      if (!r || !h) { return; }
      var n = h.epochs.length - 1;
      D.q(root, "epoch").textContent = String(state.epoch);
      D.q(root, "train-loss").textContent = D.fmt(h.train_loss[n], 3);
      D.q(root, "test-loss").textContent = D.fmt(h.test_loss[n], 3);
      D.q(root, "test-acc").textContent = D.pct(h.test_accuracy[n]);
      D.q(root, "chance").textContent = D.pct(r.chance);
      [["train-loss", h.train_loss[n]], ["test-loss", h.test_loss[n]], ["test-acc", h.test_accuracy[n]]].forEach(function (p) {
        D.q(root, p[0]).setAttribute("data-value", String(p[1]));
      });
      var pts = function (key) { return h.epochs.map(function (e, i) { return [e, h[key][i]]; }); };
      D.lineChart(D.q(root, "loss-chart"), [
        { name: "training loss", points: pts("train_loss"), cls: "s0" },
        { name: "test loss", points: pts("test_loss"), cls: "s1" }
      ], { xLabel: "epoch", yLabel: "loss", title: "Training and test loss per epoch" });
      D.lineChart(D.q(root, "acc-chart"), [
        { name: "training accuracy", points: pts("train_accuracy"), cls: "s0" },
        { name: "test accuracy", points: pts("test_accuracy"), cls: "s1" }
      ], { xLabel: "epoch", yLabel: "accuracy", yMin: 0, yMax: 1, title: "Accuracy per epoch",
           yFormat: function (v) { return Math.round(+(v * 100).toPrecision(12)) + "%"; },
           hlines: [{ y: r.chance, label: "chance " + D.pct(r.chance) }] });
      var first = 0;
      D.q(root, "loss-text").textContent = n === 0
        ? "Before training: training loss " + D.fmt(h.train_loss[0], 3) + ", test loss " + D.fmt(h.test_loss[0], 3) + "."
        : "Training loss went from " + D.fmt(h.train_loss[first], 3) + " to " + D.fmt(h.train_loss[n], 3) +
          " and test loss from " + D.fmt(h.test_loss[first], 3) + " to " + D.fmt(h.test_loss[n], 3) + " in " +
          state.epoch + " epochs.";
      D.q(root, "acc-text").textContent = "Test accuracy went from " + D.pct(h.test_accuracy[first]) + " to " +
        D.pct(h.test_accuracy[n]) + " (guessing by chance gets " + D.pct(r.chance) + ").";
      if (state.data) {
        drawBoundary(r, "What the network predicts across the plane, with the points");
      }
      if (!state.data) { return; }
      D.q(root, "boundary-text").textContent = "Shading: the class the network predicts at each place (stronger = surer). " +
        "Filled markers are training points, hollow ones test points; circles, triangles and squares are classes 1, 2 and 3. " +
        state.data.train.x.length + " training and " + state.data.test.x.length + " test points.";
    }

    function react(r) {
      var track = root.getAttribute("data-track");
      var s = settings();
      if (r.overfitting) {
        setRunning(false);
        var o = r.overfitting;
        showAlert("overfit", gentle || track === "ages-5-8" ? "Paused: learning by heart" : "Paused: the test loss is rising",
          fill(root.getAttribute("data-overfit-text"), {
            best_epoch: o.best_epoch, best: D.fmt(o.best_test_loss, 3), now: D.fmt(o.test_loss, 3), epoch: o.epoch,
            train_then: D.fmt(o.train_loss_at_best, 3), train_now: D.fmt(o.train_loss, 3),
            n_train: state.data ? state.data.train.x.length : ""
          }), true);
        status(say("Training paused itself at epoch " + o.epoch + " because the test loss started rising.",
                   "The computer stopped by itself after " + rounds(o.epoch) + "."));
      } else if (r.exploding) {
        if (r.diverged) { setRunning(false); }
        var h = state.h, n = h.train_loss.length - 1;
        showAlert("explode", gentle ? "Whoa! Too big!" : r.diverged ? "The loss exploded" : "The loss is shooting up",
          fill(root.getAttribute("data-explode-text"), { lr: String(s.lr), now: D.fmt(h.train_loss[n], 3), start: D.fmt(r.initial_loss, 3) }),
          false);
        if (r.diverged) {
          status(say("Training stopped: the numbers blew up. Press Reset and try a smaller learning rate.",
                     "The computer got all mixed up. Press Start again."));
        }
      } else if (D.q(root, "alert").getAttribute("data-kind") === "explode") {
        showAlert(null);
      }
    }

    function tick(epochs) {
      if (busy) { return Promise.resolve(); }
      busy = true;
      var mine = generation;
      return request(epochs).then(function (r) {
        if (mine !== generation) { return; }
        D.showError(root, null);
        absorb(r);
        draw();
        react(r);
      }, function (e) {
        setRunning(false);
        D.showError(root, e);
      }).then(function () {
        busy = false;
        if (pauseNoted && !running) { pauseNoted = false; if (D.q(root, "alert").hidden) { notePause(); } }
        var hadFocus = document.activeElement === stepButton || document.activeElement === runButton;
        stepButton.disabled = state.diverged;
        runButton.disabled = state.diverged;
        if (state.diverged && hadFocus) { resetButton.focus(); }  // not lost to the top of the page
        if (running && mine === generation) {
          if (state.epoch >= MAX_EPOCHS) {
            setRunning(false);
            status(say("Stopped after " + MAX_EPOCHS + " epochs.", "Stopped after " + rounds(MAX_EPOCHS) + "."));
            return;
          }
          // A pause pressed while this wait runs is kept.
          window.setTimeout(function () { if (running && mine === generation) { tick(CHUNK); } }, D.reducedMotion() ? 120 : 0);
        }
      });
    }

    function restart() {
      setRunning(false);
      pauseNoted = false;
      fresh();
      showAlert(null);
      status("");
      stepButton.disabled = false;
      runButton.disabled = false;
      busy = false;
      tick(0);
    }

    runButton.addEventListener("click", function () {
      if (running) { setRunning(false); notePause(); pauseNoted = busy; return; }
      if (D.q(root, "alert").getAttribute("data-kind") === "overfit") { state.alarm = false; showAlert(null); }
      setRunning(true);
      status(say("Training…", "Learning…"));
      tick(CHUNK);
    });
    stepButton.addEventListener("click", function () { setRunning(false); tick(1); });
    resetButton.addEventListener("click", restart);
    D.q(root, "continue").addEventListener("click", function () {
      state.alarm = false;
      showAlert(null);
      setRunning(true);
      status(say("Training on past the alarm…", "Learning on…"));
      tick(CHUNK);
    });
    // Changing the data or the network starts again; the learning rate can change mid-run.
    root.querySelectorAll("[data-setting], [data-input='units']").forEach(function (input) {
      input.addEventListener("change", restart);
    });
    rate.addEventListener("change", function () { if (state.diverged) { restart(); } });
    restart();
  });
})();
