// The human-backpropagation role-play: guess, hear right or wrong, blame a feature, and compare with the perceptron.
// Every number on the page is rendered by the server from the engine; this script only walks through the sentences,
// keeps the learner's tally and rules in the page, and records the choices (never the typed rules) at the end.
(function () {
  "use strict";

  var GENTLE_RIGHT = ["Yes! Great listening! ⭐", "You got it! ⭐", "Super robot! ⭐"];
  var GENTLE_WRONG = ["Good try! Robots learn from wrong guesses.", "Nice try! Let's fix the robot's rule.",
                      "Oops, that's OK! Now the robot learns."];

  function text(el, value) { if (el) { el.textContent = value; } }

  // A right-or-wrong mark: what the eye sees (a star or "Oops!" on 5-8, ✓ or ✗ on 9+) hidden from screen readers,
  // which hear the word instead of a symbol's name ("check mark", "ballot x") or of nothing where 5-8 shows no star.
  function mark(right, gentle) {
    var box = document.createElement("span");
    box.className = "rp-mark " + (right ? "rp-mark-right" : "rp-mark-wrong");
    var seen = document.createElement("span");
    seen.setAttribute("aria-hidden", "true");
    seen.textContent = gentle ? (right ? "⭐" : "Oops!") : (right ? "✓" : "✗");
    var heard = document.createElement("span");
    heard.className = "visually-hidden";
    heard.textContent = right ? "right" : "wrong";
    box.appendChild(seen);
    box.appendChild(heard);
    return box;
  }

  function setupPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function setupRoleplay(root) {
    var track = root.getAttribute("data-track");
    var gentle = track === "ages-5-8";
    var clueWord = root.getAttribute("data-clue") || "feature";  // 13+ says feature, the younger tracks clue
    var seed = parseInt(root.getAttribute("data-seed"), 10);
    var articles = Array.prototype.slice.call(root.querySelectorAll("[data-sentence]"));
    var results = root.querySelector('[data-part="results"]');
    var errorBox = root.querySelector('[data-part="error"]');
    var featureLabels = {};
    var labelWords = {};
    var labelBadges = {};  // the guess buttons' badges: their picture is hidden from screen readers
    var guesses = [];
    var blamed = {};      // sentence index -> {feature, direction}
    var rules = {};       // sentence index -> the learner's own words (kept in this page only)
    var tally = {};
    var stars = 0;

    root.querySelectorAll("[data-tally]").forEach(function (out) { tally[out.getAttribute("data-tally")] = 0; });
    if (articles.length) {
      articles[0].querySelectorAll(".rp-feature").forEach(function (b) {
        featureLabels[b.getAttribute("data-feature")] = b.textContent.replace(/\s*\(.*\)\s*$/, "").trim();
      });
      articles[0].querySelectorAll(".rp-choice").forEach(function (b) {
        labelWords[b.getAttribute("data-guess")] = b.textContent.trim();
        labelBadges[b.getAttribute("data-guess")] = b.querySelector(".rp-label");
      });
    }

    function showTally() {
      Object.keys(tally).forEach(function (name) {
        var value = tally[name];
        var shown = value > 0 ? "+" + value : value < 0 ? "−" + Math.abs(value) : "0";
        root.querySelectorAll('[data-tally="' + name + '"], [data-you-tally="' + name + '"]').forEach(function (el) {
          text(el, shown);
        });
      });
    }

    function changeTally(name, delta) {
      if (!(name in tally)) { return; }
      tally[name] = Math.max(-20, Math.min(20, tally[name] + delta));
      showTally();
    }

    root.querySelectorAll("[data-tally-change]").forEach(function (button) {
      button.addEventListener("click", function () {
        changeTally(button.getAttribute("data-feature"), parseInt(button.getAttribute("data-tally-change"), 10));
      });
    });

    function pressOnly(buttons, chosen) {
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === chosen ? "true" : "false"); });
    }

    function readyForNext(article, index) {
      var next = article.querySelector('[data-part="next"]');
      var hint = article.querySelector('[data-part="next-hint"]');
      var wrong = guesses[index] !== article.getAttribute("data-label");
      var choice = blamed[index] || {};
      var ready = !wrong || (choice.feature && choice.direction);
      next.hidden = !ready;
      hint.hidden = ready;
      var engine = article.querySelector('[data-part="engine"]');
      if (engine) { engine.hidden = !ready; }
      return ready;
    }

    articles.forEach(function (article, index) {
      var label = article.getAttribute("data-label");
      var choices = Array.prototype.slice.call(article.querySelectorAll(".rp-choice"));
      var features = Array.prototype.slice.call(article.querySelectorAll(".rp-feature"));
      var directions = Array.prototype.slice.call(article.querySelectorAll(".rp-direction"));
      var feedback = article.querySelector('[data-part="feedback"]');
      var verdict = article.querySelector('[data-part="verdict"]');
      var blame = article.querySelector('[data-part="blame"]');
      var rule = article.querySelector('[data-part="rule"]');
      var next = article.querySelector('[data-part="next"]');

      choices.forEach(function (button) {
        button.addEventListener("click", function () {
          if (guesses[index] !== undefined) { return; }  // one guess per sentence, like the network
          var guess = button.getAttribute("data-guess");
          guesses[index] = guess;
          pressOnly(choices, button);
          choices.forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
          var right = guess === label;
          feedback.hidden = false;
          feedback.classList.toggle("rp-right", right);
          feedback.classList.toggle("rp-wrong", !right);
          if (gentle) {
            var pool = right ? GENTLE_RIGHT : GENTLE_WRONG;
            text(verdict, pool[index % pool.length] + (right ? "" : " It was " + labelWords[label] + "."));
            if (right) { stars += 1; }
            var starCount = root.querySelector('[data-part="star-count"]');
            text(starCount, stars ? "⭐".repeat(stars) + " (" + stars + ")" : "none yet");
          } else {  // the words say right or not; the symbol is for the eye
            text(verdict, " " + (right ? "Right: it is " + label + "."
                                       : "Not quite: it is " + label + ". Which " + clueWord + " misled you?"));
            var symbol = verdict.insertBefore(document.createElement("span"), verdict.firstChild);
            symbol.setAttribute("aria-hidden", "true");
            symbol.textContent = right ? "✓" : "✗";
          }
          blame.hidden = right;
          readyForNext(article, index);
          feedback.focus();
        });
      });

      features.forEach(function (button) {
        button.addEventListener("click", function () {
          blamed[index] = blamed[index] || {};
          blamed[index].feature = button.getAttribute("data-feature");
          pressOnly(features, button);
          readyForNext(article, index);
        });
      });
      directions.forEach(function (button) {
        button.addEventListener("click", function () {
          blamed[index] = blamed[index] || {};
          blamed[index].direction = button.getAttribute("data-direction");
          pressOnly(directions, button);
          readyForNext(article, index);
        });
      });

      next.addEventListener("click", function () {
        if (!readyForNext(article, index)) { return; }
        var choice = blamed[index];
        if (guesses[index] !== label && choice) {
          changeTally(choice.feature, choice.direction === "too-high" ? -1 : 1);
        } else {
          delete blamed[index];
        }
        if (rule && rule.value.trim()) { rules[index] = rule.value.trim().slice(0, 200); }
        article.hidden = true;
        if (index + 1 < articles.length) {
          articles[index + 1].hidden = false;
          articles[index + 1].querySelector("h3").focus();
        } else {
          finish();
        }
      });
    });

    function describeBlame(index) {
      var choice = blamed[index];
      if (!choice) { return "—"; }
      var words = gentle ? (choice.direction === "too-high" ? "too much" : "too little")
                         : (choice.direction === "too-high" ? "too high" : "too low");
      return featureLabels[choice.feature] + ": " + words;
    }

    function finish() {
      var correct = 0;
      articles.forEach(function (article, index) {
        var right = guesses[index] === article.getAttribute("data-label");
        if (right) { correct += 1; }
        var said = root.querySelector('[data-you="' + index + '"]');
        var badge = labelBadges[guesses[index]];
        text(said, badge ? "" : labelWords[guesses[index]]);
        if (badge) { said.appendChild(badge.cloneNode(true)); }
        said.appendChild(document.createTextNode(" "));
        said.appendChild(mark(right, gentle));
        text(root.querySelector('[data-you-blamed="' + index + '"]'), describeBlame(index));
        text(root.querySelector('[data-you-rule="' + index + '"]'), rules[index] || "—");
      });
      var total = articles.length;
      // The gentle track never cheers "You got 0 stars!": with no star, the words say what the wrong guesses did.
      text(root.querySelector('[data-part="score"]'), gentle
        ? (correct ? "You got " + correct + " " + (correct === 1 ? "star" : "stars") + "! " + "⭐".repeat(correct) + " "
                   : "No stars this time, and that is OK! ") +
          "Every wrong guess helped you fix your rule, just like a robot."
        : "You got " + correct + " of " + total + " right the first time you saw them.");
      showTally();
      var tallyPanel = root.querySelector('[data-part="tally"]');
      if (tallyPanel) { tallyPanel.hidden = true; }  // the results show it beside the perceptron's weights
      results.hidden = false;
      results.querySelector("h2").focus();
      record(correct);
    }

    function record() {
      var body = {
        activity: "human-backprop", track: track, seed: seed, guesses: guesses.slice(0, articles.length),
        blamed: Object.keys(blamed).map(function (i) {
          return { sentence: parseInt(i, 10), feature: blamed[i].feature, direction: blamed[i].direction };
        }),
        rules_written: Object.keys(rules).length
      };
      if (Object.keys(tally).length) { body.tally = tally; }
      var saved = root.querySelector('[data-part="saved"]');
      window.tutorApi("POST", root.getAttribute("data-runs-url"), body).then(function (reply) {
        text(saved, reply.message);
        var agree = root.querySelector('[data-part="agree"]');  // only on 9-12, whose lessons say neuron, not perceptron
        if (agree && reply.tally_agrees) {
          text(agree, "Your tally points the same way as the neuron for " + reply.tally_agrees.length +
                      " of " + Object.keys(tally).length + " clues.");
        }
        root.setAttribute("data-recorded", reply.stored ? "stored" : "not-stored");
      }).catch(function (error) {
        errorBox.hidden = false;
        text(errorBox, "Your result could not be saved: " + error.message);
        root.setAttribute("data-recorded", "failed");
      });
    }

    root.setAttribute("data-ready", "1");
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupPrint();
    document.querySelectorAll("[data-roleplay]").forEach(setupRoleplay);
  });
})();
