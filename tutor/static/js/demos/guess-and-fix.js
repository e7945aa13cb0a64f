// Guess and fix: the child plays hot and cold (the server says warmer or colder), then watches the robot play the
// same game with the engine's guess-and-fix rule, shown as big bars. Stars, no scores.
(function () {
  "use strict";
  var D = window.TutorDemos;

  D.register("guess-and-fix", function (root) {
    var hotCold = root.getAttribute("data-hot-cold"), robotUrl = root.getAttribute("data-robot");
    var spots = Array.prototype.slice.call(root.querySelectorAll("[data-spot]"));
    var seed, guesses, stars = 0, robot = null, shown = 0;
    var robotGo = D.q(root, "robot-go"), next = D.q(root, "robot-next"), all = D.q(root, "robot-all");

    function say(hint) { return root.getAttribute("data-say-" + hint) || hint; }

    function newGame() {
      seed = Math.floor(Math.random() * 1000000);
      root.setAttribute("data-seed", String(seed));
      guesses = [];
      robot = null; shown = 0;
      spots.forEach(function (b) { b.disabled = false; b.removeAttribute("data-hint"); b.classList.remove("robot-here"); });
      D.q(root, "hint").textContent = "";
      D.q(root, "hint-speak").hidden = true;
      D.q(root, "robot").hidden = true;
      robotGo.disabled = true;
    }

    function drawStars() {
      var box = D.clear(D.q(root, "stars"));
      if (stars) {
        box.appendChild(D.el("span", { role: "img", "aria-label": "Treasures found: " + stars + " star" + (stars > 1 ? "s" : ""),
                                       text: new Array(stars + 1).join("⭐") }));
      }
    }

    function dig(spot) {
      guesses.push(spot);
      D.post(hotCold, { seed: seed, guesses: guesses }).then(function (r) {
        D.showError(root, null);
        var last = r.hints[r.hints.length - 1];
        var button = spots[last.guess - 1];
        button.setAttribute("data-hint", last.hint);
        button.setAttribute("aria-label", "Spot " + last.guess + ": " + last.hint);
        D.q(root, "hint").textContent = say(last.hint);
        D.q(root, "hint").setAttribute("data-hint", last.hint);
        D.q(root, "hint-speak").hidden = false;
        if (r.found) {
          stars += 1;
          drawStars();
          spots.forEach(function (b) { b.disabled = true; });
          robotGo.disabled = false;
          robotGo.focus();
        }
      }, function (e) { guesses.pop(); D.showError(root, e); });
    }

    function roundItem(step) {
      var far = step.distance, max = 9;
      var width = Math.max(2, Math.min(100, far / max * 100));
      var fill = D.el("span", { class: "bar-fill" + (far < 1 ? " close" : "") });
      fill.style.width = width.toFixed(1) + "%";
      var spotsWord = Math.abs(far - 1) < 1e-9 ? " spot" : " spots";
      return D.el("li", { class: "robot-round", "data-distance": String(step.distance) }, [
        D.el("span", { class: "round-name", text: "Try " + step.round }),
        D.el("div", { class: "bar-track", role: "img",
                      "aria-label": "Try " + step.round + ": " + D.fmt(far, 1) + spotsWord + " away" }, [
          fill, D.el("span", { class: "bar-text", text: step.hint === "found" ? "Found it!" : D.fmt(far, 1) + spotsWord + " away" })
        ]),
        D.el("p", { class: "robot-detail", text: "Guess " + D.fmt(step.guess, 1) + " · off by " + D.term(step.error, 1) +
          " · fix " + (step.fix >= 0 ? "+" : "") + D.fmt(step.fix, 1) + " → next guess " + D.fmt(step.next_guess, 1) })
      ]);
    }

    function showRound() {
      if (!robot || shown >= robot.rounds.length) { return; }
      var step = robot.rounds[shown];
      shown += 1;
      D.q(root, "rounds").appendChild(roundItem(step));
      spots.forEach(function (b) { b.classList.remove("robot-here"); });
      var nearest = Math.max(1, Math.min(10, Math.round(step.guess)));
      spots[nearest - 1].classList.add("robot-here");
      var done = shown >= robot.rounds.length;
      var hadFocus = document.activeElement === next || document.activeElement === all;
      next.disabled = done; all.disabled = done;
      if (done && hadFocus) { D.q(root, "again").focus(); }  // the pressed button is finished: not back to the top
      D.q(root, "robot-status").textContent = done
        ? (robot.result.found ? "The robot found the treasure at spot " + robot.treasure + " after " + robot.result.rounds_played + " tries." :
           "The robot is " + D.fmt(robot.result.final_distance, 1) + " spots away after " + robot.result.rounds_played + " tries.")
        : "Try " + step.round + ": the robot guessed " + D.fmt(step.guess, 1) + ".";
    }

    robotGo.addEventListener("click", function () {
      D.post(robotUrl, { seed: seed, rate: 0.5 }).then(function (r) {
        robot = r; shown = 0;
        D.clear(D.q(root, "rounds"));
        D.q(root, "formula").textContent = r.formula;
        D.q(root, "robot").hidden = false;
        showRound();
        next.focus();
      }, function (e) { D.showError(root, e); });
    });
    next.addEventListener("click", showRound);
    all.addEventListener("click", function () { while (robot && shown < robot.rounds.length) { showRound(); } });
    D.q(root, "again").addEventListener("click", newGame);
    spots.forEach(function (b) {
      b.addEventListener("click", function () { dig(parseInt(b.getAttribute("data-spot"), 10)); });
    });
    newGame();
    drawStars();
  });
})();
