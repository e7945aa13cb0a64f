// A quiz, one question at a time: hint first if wanted, the answer graded on the server (POST /api/attempts with an
// Idempotency-Key made once per question view and reused on retry), feedback that says why, a summary at the end.
(function () {
  "use strict";

  var RETRIES = 3;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // One answer, sent with its question's key; a network failure is retried with the same key, so it is stored once.
  function sendAttempt(url, key, body, attempt) {
    attempt = attempt || 1;
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRF-Token": csrfToken(), "Idempotency-Key": key },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || ("Request failed: " + response.status));
          error.status = response.status;
          throw error;
        }
        return data;
      });
    }, function (networkError) {
      if (attempt >= RETRIES) { throw networkError; }
      return new Promise(function (resolve) { window.setTimeout(resolve, 400 * attempt); })
        .then(function () { return sendAttempt(url, key, body, attempt + 1); });
    });
  }

  // Stars are pictures for the eye; a screen reader hears the count in words instead.
  function starLine(cls, n, words) {
    var p = el("p", { "class": cls });
    p.appendChild(el("span", { "aria-hidden": "true" }, "⭐".repeat(n)));
    p.appendChild(el("span", { "class": "visually-hidden" }, words));
    return p;
  }

  function fmt(x) {
    if (typeof x !== "number") { return String(x); }
    if (Math.abs(x) < 5e-5) { return "0"; }
    return x.toFixed(4).replace(/0+$/, "").replace(/\.$/, "").replace("-", "−");
  }

  function Quiz(root) {
    this.root = root;
    this.gentle = root.getAttribute("data-gentle") === "true";
    this.attemptsUrl = root.getAttribute("data-attempts");
    this.home = root.getAttribute("data-home");
    this.index = 0;
    this.results = [];
  }

  Quiz.prototype.load = function () {
    var self = this;
    var loading = this.root.querySelector(".quiz-loading");
    if (loading) { loading.textContent = "Loading the questions…"; }
    window.tutorApi("GET", this.root.getAttribute("data-api")).then(function (quiz) {
      self.quiz = quiz;
      if (!quiz.items.length) {
        self.root.textContent = "";
        self.root.appendChild(el("p", { "class": "card" }, self.gentle ? "Nothing to practise here yet. Come back soon!"
          : "There are no questions here right now."));
        return;
      }
      self.show();
    }).catch(function (error) {
      self.root.textContent = "";
      self.root.appendChild(el("p", { "class": "card error-box", role: "alert" }, "The quiz could not be loaded: " + error.message));
    });
  };

  Quiz.prototype.show = function () {
    var self = this;
    // The first question of a page just opened is not focused (the page starts at its top, with no outline drawn
    // around the prompt); every later one takes the focus from the button that was pressed to get there.
    var moveFocus = this.started;
    this.started = true;
    var item = this.quiz.items[this.index];
    this.item = item;
    this.key = newKey();     // once per question view and answer; a retry of the same answer reuses it
    this.sentAnswer = undefined;
    this.answered = false;
    this.root.textContent = "";

    var card = el("section", { "class": "question card question-" + item.kind, "aria-labelledby": "q-prompt",
                               "data-item": item.id, "data-kind": item.kind });
    var top = el("div", { "class": "question-top" });
    top.appendChild(el("p", { "class": "question-count" }, "Question " + (this.index + 1) + " of " + this.quiz.items.length));
    if (this.gentle) {
      var stars = this.results.filter(function (r) { return r.score > 0; }).length;  // as the summary counts them
      top.appendChild(starLine("star-count", stars, stars + (stars === 1 ? " star" : " stars") + " so far"));
    }
    card.appendChild(top);
    var heading = el("h2", { id: "q-prompt", "class": "question-prompt", tabindex: "-1" }, item.prompt);
    card.appendChild(heading);
    if (this.gentle) {  // the question, its numbers, the answers to choose from, and the hint once asked for
      card.appendChild(window.tutorSpeakButton("q-prompt q-given q-choices q-hint", "the question and the answers"));
    }
    if (item.given && item.given.length) { card.appendChild(this.givenBlock(item.given)); }

    var form = el("form", { "class": "answer-form", novalidate: "" });
    this.readAnswer = this.answerArea(item, form);
    var hintBox = el("p", { "class": "hint-box", id: "q-hint", hidden: "" }, "💡 " + item.hint);
    var buttons = el("div", { "class": "button-row" });
    var hintButton = el("button", { type: "button", "class": "button secondary hint-button", "aria-controls": "q-hint",
                                    "aria-expanded": "false" }, this.gentle ? "💡 Give me a hint" : "💡 Hint");
    var submit = el("button", { type: "submit", "class": "button submit-answer" }, this.gentle ? "Check!" : "Check my answer");
    buttons.appendChild(hintButton);
    buttons.appendChild(submit);
    form.appendChild(hintBox);
    form.appendChild(buttons);
    var problem = el("p", { "class": "form-problem", role: "alert" });
    form.appendChild(problem);
    card.appendChild(form);
    var feedback = el("div", { "class": "feedback", id: "q-feedback", "aria-live": "polite" });
    card.appendChild(feedback);
    this.root.appendChild(card);

    hintButton.addEventListener("click", function () {
      // aria-disabled, not disabled: a disabled button would drop a keyboard user's focus to the top of the page.
      hintBox.hidden = false;
      hintButton.setAttribute("aria-expanded", "true");
      hintButton.setAttribute("aria-disabled", "true");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (self.answered || self.sending) { return; }
      problem.textContent = "";
      var answer = self.readAnswer();
      if (!answer) {
        problem.textContent = self.gentle ? "Pick an answer first." : "Please answer first.";
        return;
      }
      // One key per answer: a retry of the same answer reuses it, a changed answer (after a failed send) gets a new one.
      var sent = JSON.stringify(answer);
      if (self.sentAnswer !== undefined && self.sentAnswer !== sent) { self.key = newKey(); }
      self.sentAnswer = sent;
      self.sending = true;
      submit.setAttribute("aria-disabled", "true");  // keeps the focus on it until the feedback takes it
      submit.textContent = "Checking…";
      sendAttempt(self.attemptsUrl, self.key, { item_id: item.id, answer: answer }).then(function (reply) {
        self.answered = true;
        self.sending = false;
        hintButton.disabled = true;
        buttons.remove();
        form.classList.add("answered");
        form.querySelectorAll("input, button.move, .order-list button").forEach(function (b) { b.disabled = true; });
        if (self.lockAnswer) { self.lockAnswer(reply); }
        self.results.push({ item: item, reply: reply, correct: reply.correct, score: reply.score });
        self.showFeedback(feedback, reply);
      }).catch(function (error) {
        self.sending = false;
        submit.removeAttribute("aria-disabled");
        submit.textContent = self.gentle ? "Check!" : "Check my answer";
        problem.textContent = error.status ? error.message
          : "The answer could not be sent (no connection?). Press the button again: it will be counted once.";
      });
    });
    if (moveFocus) { heading.focus(); }
  };

  Quiz.prototype.givenBlock = function (given) {
    var box = el("div", { "class": "given", id: "q-given" });
    box.appendChild(el("h3", {}, this.gentle ? "The numbers" : "Given (numbers from the engine)"));
    var dl = el("dl", { "class": "given-list" });
    given.forEach(function (g) {
      if (g.table) {
        var wrap = el("div", { "class": "table-wrap given-table", tabindex: "0", role: "region", "aria-label": g.label });
        var table = el("table");
        table.appendChild(el("caption", {}, g.label));
        var head = el("tr");
        g.table.columns.forEach(function (c) { head.appendChild(el("th", { scope: "col" }, c)); });
        var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
        var tbody = el("tbody");
        g.table.rows.forEach(function (row) {
          var tr = el("tr");
          row.forEach(function (v) { tr.appendChild(el("td", {}, fmt(v))); });
          tbody.appendChild(tr);
        });
        table.appendChild(tbody);
        wrap.appendChild(table);
        box.appendChild(wrap);
        return;
      }
      var row = el("div", { "class": "given-row" });
      row.appendChild(el("dt", {}, g.label));
      row.appendChild(el("dd", {}, fmt(g.value)));
      dl.appendChild(row);
    });
    box.insertBefore(dl, box.children[1] || null);
    return box;
  };

  // Builds the answer controls for an item; returns a function giving the answer object (or null when unanswered).
  Quiz.prototype.answerArea = function (item, form) {
    var self = this;
    this.lockAnswer = null;
    var name = "answer-" + this.index;
    if (item.kind === "choice" || item.kind === "multi" || item.kind === "truefalse") {
      var fieldset = el("fieldset", { "class": "options", id: "q-choices" });
      fieldset.appendChild(el("legend", { "class": "visually-hidden" },
        item.kind === "multi" ? "Choose every right answer" : "Choose one answer"));
      if (item.kind === "multi") {
        fieldset.appendChild(el("p", { "class": "muted" }, "Choose every answer that is right."));
      }
      var options = item.kind === "truefalse"
        ? [{ id: "true", text: this.gentle ? "👍 True" : "True" }, { id: "false", text: this.gentle ? "👎 Not true" : "False" }]
        : item.options;
      options.forEach(function (o, n) {
        var id = name + "-" + n;
        var label = el("label", { "class": "option", "for": id });
        var input = el("input", { type: item.kind === "multi" ? "checkbox" : "radio", name: name, id: id, value: o.id });
        label.appendChild(input);
        label.appendChild(el("span", { "class": "option-text" }, o.text));
        fieldset.appendChild(label);
      });
      form.appendChild(fieldset);
      this.lockAnswer = function (reply) { self.markOptions(fieldset, item, reply); };
      return function () {
        var checked = Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (i) { return i.value; });
        if (!checked.length) { return null; }
        if (item.kind === "multi") { return { options: checked }; }
        if (item.kind === "truefalse") { return { value: checked[0] === "true" }; }
        return { option: checked[0] };
      };
    }
    if (item.kind === "numeric") {
      var wrap = el("div", { "class": "numeric-answer" });
      wrap.appendChild(el("label", { "for": name }, "Your answer" + (item.unit ? " (" + item.unit + ")" : "")));
      var input = el("input", { type: "text", inputmode: "decimal", id: name, autocomplete: "off",
                                "aria-describedby": name + "-tol" });
      wrap.appendChild(input);
      wrap.appendChild(el("p", { "class": "hint", id: name + "-tol" },
        "Answers within " + fmt(item.tolerance) + " of the exact value count as right."));
      form.appendChild(wrap);
      return function () {
        var text = input.value.trim().replace("−", "-").replace(",", ".");
        if (!text || isNaN(Number(text))) { return null; }
        return { value: Number(text) };
      };
    }
    if (item.kind === "order") { return this.orderArea(item, form); }
    if (item.kind === "matching") {
      var box = el("div", { "class": "matching-area" });
      form.appendChild(box);
      var widget = window.TutorMatching.create(box, item, { gentle: this.gentle });
      this.lockAnswer = function (reply) { widget.lock(); widget.showResult(reply.solution || {}); };
      return function () { return widget.count() ? { pairs: widget.pairs() } : null; };
    }
    return function () { return null; };
  };

  Quiz.prototype.orderArea = function (item, form) {
    var self = this;
    var steps = item.steps.slice();
    form.appendChild(el("p", { "class": "muted", id: "order-help" },
      "Put the steps in order: use the ↑ and ↓ buttons, or drag a step."));
    var list = el("ol", { "class": "order-list", id: "q-choices", "aria-describedby": "order-help" });
    var live = el("p", { "class": "visually-hidden", "aria-live": "polite" });
    form.appendChild(list);
    form.appendChild(live);
    var dragging = null;

    function render(focusId, focusDir) {
      list.textContent = "";
      steps.forEach(function (s, n) {
        var li = el("li", { "class": "order-step", draggable: "true", "data-step": s.id });
        li.appendChild(el("span", { "class": "order-text" }, s.text));
        var controls = el("span", { "class": "order-controls", "data-speak-skip": "" });
        var up = el("button", { type: "button", "class": "move move-up", "aria-label": "Move “" + s.text + "” up" }, "↑");
        var down = el("button", { type: "button", "class": "move move-down", "aria-label": "Move “" + s.text + "” down" }, "↓");
        up.disabled = n === 0 || self.answered;
        down.disabled = n === steps.length - 1 || self.answered;
        up.addEventListener("click", function () { move(n, n - 1, "up"); });
        down.addEventListener("click", function () { move(n, n + 1, "down"); });
        controls.appendChild(up);
        controls.appendChild(down);
        li.appendChild(controls);
        list.appendChild(li);
        if (focusId === s.id) {
          var target = focusDir === "up" ? (up.disabled ? down : up) : (down.disabled ? up : down);
          target.focus();
        }
      });
    }
    function move(from, to, dir) {
      if (to < 0 || to >= steps.length) { return; }
      var s = steps.splice(from, 1)[0];
      steps.splice(to, 0, s);
      live.textContent = "“" + s.text + "” is now step " + (to + 1) + " of " + steps.length + ".";
      render(s.id, dir);
    }
    list.addEventListener("dragstart", function (event) {
      var li = event.target.closest(".order-step");
      if (!li || self.answered) { event.preventDefault(); return; }
      dragging = li.getAttribute("data-step");
      event.dataTransfer.setData("text/plain", dragging);
      li.classList.add("dragging");
    });
    list.addEventListener("dragover", function (event) { if (dragging) { event.preventDefault(); } });
    list.addEventListener("drop", function (event) {
      var li = event.target.closest(".order-step");
      if (!li || !dragging) { return; }
      event.preventDefault();
      var from = steps.findIndex(function (s) { return s.id === dragging; });
      var to = steps.findIndex(function (s) { return s.id === li.getAttribute("data-step"); });
      dragging = null;
      move(from, to, "down");
    });
    list.addEventListener("dragend", function () { dragging = null; });
    render();
    this.lockAnswer = function () { render(); };
    return function () { return { order: steps.map(function (s) { return s.id; }) }; };
  };

  Quiz.prototype.markOptions = function (fieldset, item, reply) {
    var right = [];
    var sol = reply.solution || {};
    if (item.kind === "choice") { right = [sol.option]; }
    if (item.kind === "multi") { right = sol.options || []; }
    if (item.kind === "truefalse") { right = [String(sol.value)]; }
    var gentle = this.gentle;
    fieldset.querySelectorAll("label.option").forEach(function (label) {
      var input = label.querySelector("input");
      var isRight = right.indexOf(input.value) >= 0;
      if (isRight) {
        label.classList.add("is-right");
        label.appendChild(el("span", { "class": "mark" }, gentle ? " ⭐ this one" : " ✔ right answer"));
      } else if (input.checked) {
        label.classList.add("is-wrong");
        label.appendChild(el("span", { "class": "mark" }, gentle ? " (your choice)" : " ✗ your answer"));
      }
    });
  };

  Quiz.prototype.showFeedback = function (box, reply) {
    var self = this;
    box.textContent = "";
    box.className = "feedback " + (reply.correct ? "is-right" : (reply.score > 0 ? "is-partial" : "is-wrong"));
    var title;
    if (this.gentle) {
      title = reply.correct ? "⭐ Great job!" : (reply.score > 0 ? "⭐ Nice try, some are right!" : "Good try! Let's look at it together.");
    } else {
      title = reply.correct ? "✔ Right!" : (reply.score > 0 ? "◐ Partly right: " + Math.round(+(reply.score * 100).toPrecision(12)) + "%" : "✗ Not quite");
    }
    var words = el("div", { "class": "feedback-words", id: "q-feedback-words" });  // what read-aloud reads
    box.appendChild(words);
    words.appendChild(el("p", { "class": "feedback-title" }, title));
    words.appendChild(el("p", { "class": "feedback-why" }, reply.feedback));
    if (reply.misconception_label && !reply.correct) {
      var mis = el("p", { "class": "misconception" });
      mis.appendChild(el("strong", {}, this.gentle ? "A common mix-up: " : "This answer shows a common idea that is not right: "));
      mis.appendChild(document.createTextNode(reply.misconception_label));
      words.appendChild(mis);
    }
    var sol = reply.solution || {};
    if (sol.wrong && sol.wrong.length) {
      words.appendChild(el("h3", {}, this.gentle ? "Let's fix these" : "Pairs to fix"));
      var ul = el("ul", { "class": "wrong-pairs" });
      sol.wrong.forEach(function (w) {
        var li = el("li");
        li.appendChild(el("strong", {}, w.term_text + ": "));
        li.appendChild(document.createTextNode((w.chosen_text ? "you chose “" + w.chosen_text + "”" +
          (/[.!?…]$/.test(w.chosen_text) ? " " : ". ") : "not paired. ")
          + "It means “" + w.correct_text + "”" + (/[.!?…]$/.test(w.correct_text) ? " " : ". ") + w.feedback));
        ul.appendChild(li);
      });
      words.appendChild(ul);
    }
    if (sol.order && !reply.correct) {
      words.appendChild(el("h3", {}, "The right order"));
      var ol = el("ol");
      (sol.steps || sol.order).forEach(function (s) { ol.appendChild(el("li", {}, s)); });
      words.appendChild(ol);
    }
    if (sol.steps && sol.answer !== undefined) {
      words.appendChild(el("h3", {}, "Worked solution (the engine's numbers)"));
      var steps = el("ol", { "class": "worked-steps" });
      sol.steps.forEach(function (s) { steps.appendChild(el("li", {}, s.text)); });
      words.appendChild(steps);
      words.appendChild(el("p", { "class": "answer-line" }, "Answer: " + sol.answer_text));
    }
    if (sol.explanation && reply.feedback.indexOf(sol.explanation) === -1) {  // not said twice
      words.appendChild(el("p", { "class": "explanation" }, sol.explanation));
    }
    if (this.gentle) {
      box.appendChild(window.tutorSpeakButton("q-feedback-words", "what the tutor says"));
    }
    if (reply.lesson_link) {
      box.appendChild(el("p", {})).appendChild(el("a", { href: reply.lesson_link, "class": "lesson-link" },
        this.gentle ? "📖 Hear it again in the lesson" : "📖 Read why in the lesson"));
    }
    var last = this.index === this.quiz.items.length - 1;
    var next = el("button", { type: "button", "class": "button next-question" },
      last ? (this.gentle ? "See my stars" : "See my results") : (this.gentle ? "Next one →" : "Next question →"));
    next.addEventListener("click", function () {
      if (last) { self.summary(); } else { self.index += 1; self.show(); }
    });
    box.appendChild(next);
    next.focus();
  };

  Quiz.prototype.summary = function () {
    var self = this;
    this.root.textContent = "";
    var card = el("section", { "class": "card quiz-summary", "aria-labelledby": "summary-heading" });
    var right = this.results.filter(function (r) { return r.correct; }).length;
    var total = this.results.length;
    card.appendChild(el("h2", { id: "summary-heading", tabindex: "-1" }, this.gentle ? "You did it!" : "Your results"));
    if (this.gentle) {
      var stars = this.results.filter(function (r) { return r.score > 0; }).length;
      card.appendChild(starLine("big-stars", Math.max(stars, 1), "You earned " + Math.max(stars, 1) + (stars > 1 ? " stars" : " star")));
      // "Every one!" only when every answer was right: a matching game with one pair of seven right earns its star,
      // but it is not "every one".
      card.appendChild(el("p", { "class": "lead" }, right === total ? "Every one! Super work." : "Great practice. Every try helps your brain grow."));
    } else {
      var points = this.results.reduce(function (sum, r) { return sum + r.score; }, 0);
      card.appendChild(el("p", { "class": "lead" }, right + " of " + total + " right · score " + Math.round(100 * points / total) + "%"));
    }
    var list = el("ol", { "class": "summary-list" });
    this.results.forEach(function (r) {
      var li = el("li", { "class": r.correct ? "is-right" : "is-wrong" });
      var mark = self.gentle ? (r.score > 0 ? "⭐ " : "• ") : (r.correct ? "✔ " : (r.score > 0 ? "◐ " : "✗ "));
      li.appendChild(document.createTextNode(mark + r.item.prompt));
      if (!r.correct && r.reply.misconception_label) {
        li.appendChild(el("span", { "class": "muted" }, " (" + r.reply.misconception_label + ")"));
      }
      list.appendChild(li);
    });
    card.appendChild(list);
    var buttons = el("div", { "class": "button-row" });
    var again = el("button", { type: "button", "class": "button" }, this.gentle ? "Play again" : "Try again");
    again.addEventListener("click", function () { self.index = 0; self.results = []; self.load(); });
    buttons.appendChild(again);
    buttons.appendChild(el("a", { "class": "button secondary", href: this.home }, this.gentle ? "More games" : "Back to quizzes"));
    card.appendChild(buttons);
    this.root.appendChild(card);
    card.querySelector("h2").focus();
  };

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("quiz");
    if (root) { new Quiz(root).load(); }
  });
})();
