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
    var track = root.getAttribute("data-track");
    var digLabels = spots.map(function (b) { return b.getAttribute("aria-label"); });
    var uid = D.q(root, "hint").id.replace(/-hint$/, "");  // this demo's ids (a lesson may hold two)

    function say(hint) { return root.getAttribute("data-say-" + hint) || hint; }

    function newGame() {
      seed = Math.floor(Math.random() * 1000000);
      root.setAttribute("data-seed", String(seed));
      guesses = [];
      robot = null; shown = 0;
      spots.forEach(function (b, k) {
        b.disabled = false;
        b.removeAttribute("data-hint");
        b.setAttribute("aria-label", digLabels[k]);  // the last game's "Spot 3: colder" must not be read out again
        b.classList.remove("robot-here");
      });
      D.clear(D.q(root, "rounds"));
      D.q(root, "robot-status").textContent = "";
      D.q(root, "status-speak").hidden = true;
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

    // The robot stands on whole spots (the server rounds each fix), so guess + fix = next guess as shown.
    function plain(x) { return String(+x.toFixed(2)); }  // 1.5, not 1.50 (rounding is the server's, not ours)
    function spotsText(n) { return plain(n) + (n === 1 ? " spot" : " spots"); }
    function signed(x) { return x < 0 ? "(" + plain(x) + ")" : plain(x); }

    // How one try reads on each track: plain words for 5-8, the rule's numbers for 9-12, the formula for 13+.
    function detailText(step) {
      var guess = plain(step.guess), move = Math.abs(step.fix), next = plain(step.next_guess);
      var low = step.error > 0, way = low ? "+" : "−";
      if (step.hint === "found") {
        return track === "ages-5-8" ? "The robot guessed " + guess + ". It found the treasure!"
          : track === "ages-13-plus" ? "Guess " + guess + " · error = " + plain(robot.treasure) + " − " + guess + " = 0 · found it"
          : "Guess " + guess + " · right on the treasure · found it!";
      }
      if (track === "ages-5-8") {
        return "The robot guessed " + guess + ". That is " + spotsText(step.distance) + " too " + (low ? "low" : "high") + ". " +
          (move === 0 ? "It stays where it is." : "It moves " + spotsText(move) + " to the " + (low ? "right" : "left") + ".") +
          " Next guess: " + next + ".";
      }
      var rate = plain(robot.rate), rounded = step.raw_fix !== step.fix;
      if (track === "ages-13-plus") {
        return "Guess " + guess + " · error = " + plain(robot.treasure) + " − " + guess + " = " + plain(step.error) +
          " · fix = " + rate + " × " + signed(step.error) + " = " + plain(step.raw_fix) +
          (rounded ? ", rounded to " + plain(step.fix) : "") + " · next guess = " + guess + " " + way + " " + plain(move) +
          " = " + next;
      }
      return "Guess " + guess + " · " + spotsText(step.distance) + " too " + (low ? "low" : "high") + " · move " + rate +
        " × " + plain(step.distance) + " = " + plain(Math.abs(step.raw_fix)) + (rounded ? ", rounded to " + plain(move) : "") +
        " to the " + (low ? "right" : "left") + " · next guess " + guess + " " + way + " " + plain(move) + " = " + next;
    }

    function roundItem(step) {
      var far = step.distance, max = 9;
      var width = Math.max(2, Math.min(100, far / max * 100));
      var fill = D.el("span", { class: "bar-fill" + (far < 1 ? " close" : "") });
      fill.style.width = width.toFixed(1) + "%";
      var away = step.hint === "found" ? "Found it!" : spotsText(far) + " away";
      var id = uid + "-round-" + step.round;
      var speak = window.tutorSpeakButton ? window.tutorSpeakButton(id, "try " + step.round) : null;
      return D.el("li", { class: "robot-round", id: id, "data-distance": String(step.distance), "data-guess": String(step.guess),
                          "data-fix": String(step.fix), "data-next": String(step.next_guess) }, [
        D.el("span", { class: "round-name" }, ["Try " + step.round, speak ? " " : null, speak]),
        D.el("div", { class: "bar-track", role: "img", "aria-label": "Try " + step.round + ": " + away }, [
          fill, D.el("span", { class: "bar-text", text: away })
        ]),
        D.el("p", { class: "robot-detail", text: detailText(step) })
      ]);
    }

    // The rule with the rate's value, in the words of each track.
    function ruleText(r) {
      if (track === "ages-5-8") {
        return "Each time, the robot moves " + (r.rate === 0.5 ? "about half of the way" : "part of the way") +
          " to the treasure.";
      }
      if (track === "ages-13-plus") { return r.formula + "; rate = " + plain(r.rate) + "."; }
      return "Rule: move rate × how far off, rounded to a whole spot. Here the rate is " + plain(r.rate) +
        (r.rate === 0.5 ? " (half of the way)." : ".");
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
      D.q(root, "status-speak").hidden = !("speechSynthesis" in window);
      D.q(root, "robot-status").textContent = done
        ? (robot.result.found ? "The robot found the treasure at spot " + robot.treasure + " after " + robot.result.rounds_played + " tries." :
           "The robot is " + spotsText(robot.result.final_distance) + " away after " + robot.result.rounds_played + " tries.")
        : "Try " + step.round + ": the robot guessed " + plain(step.guess) + ".";
    }

    robotGo.addEventListener("click", function () {
      D.post(robotUrl, { seed: seed, rate: 0.5 }).then(function (r) {
        robot = r; shown = 0;
        D.clear(D.q(root, "rounds"));
        D.q(root, "formula").textContent = ruleText(r);
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
