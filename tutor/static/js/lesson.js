// A lesson as a conversation. The page arrives with every message listed (it works without JavaScript); this
// script turns it into a chat: one message at a time, quick replies ("Next", "Why?", "Show me", "Give me an
// example", "I already know this"), the check question answered through POST /api/attempts, and progress kept
// with POST /api/lessons/<concept>/progress. New messages are announced in a live region; focus stays on the
// quick replies so the whole lesson can be done with Enter and Tab.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function reducedMotion() {
    return document.documentElement.classList.contains("reduced-motion") ||
      (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "k-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function Lesson(root) {
    var self = this;
    this.root = root;
    this.track = root.getAttribute("data-track");
    this.gentle = root.getAttribute("data-gentle") === "true";
    this.progressUrl = root.getAttribute("data-progress-url");
    this.attemptsUrl = root.getAttribute("data-attempts-url");
    this.list = root.querySelector("#conversation");
    this.replies = root.querySelector("#quick-replies");
    this.announcer = root.querySelector("#lesson-announce");
    this.examplesSection = root.querySelector("#lesson-examples");
    this.after = [root.querySelector("#takeaways"), root.querySelector("#check"), root.querySelector("#next-steps")];
    this.writes = Promise.resolve();  // progress and attempts go one after another (the first may create a guest)
    this.sent = { seen: 0, completed: false };
    this.checkOpen = false;

    this.messages = Array.prototype.map.call(root.querySelectorAll("#conversation > li[data-message]"), function (li) {
      var why = li.querySelector("[data-why]");
      var show = li.querySelector("[data-show]");
      if (why) { why.remove(); }
      if (show) { show.remove(); }
      li.remove();  // each message joins the conversation when it is its turn
      li.hidden = true;
      return { id: li.getAttribute("data-message"), li: li, why: why, show: show, askedWhy: false, shown: false,
               text: li.querySelector(".bubble-text").textContent };
    });
    this.extras = Array.prototype.map.call(this.examplesSection.querySelectorAll("[data-extra]"), function (node) {
      node.remove();
      return node;
    });
    this.examplesSection.hidden = true;
    this.after.forEach(function (node) { if (node) { node.hidden = true; } });
    this.revealed = 0;
    this.dots = root.querySelector('[data-part="dots"]');
    root.querySelector('[data-part="progress-line"]').hidden = false;
    this.messages.forEach(function () { self.dots.appendChild(el("span")); });
    root.classList.add("js-conversation");

    var target = window.location.hash.match(/^#msg-(.+)$/);
    var upTo = 1, linked = null;
    if (target) {
      var at = this.messages.findIndex(function (m) { return m.id === decodeURIComponent(target[1]); });
      if (at >= 0) { upTo = at + 1; linked = this.messages[at]; }
    }
    for (var i = 0; i < upTo; i++) { this.revealMessage(false); }
    // A link to a message that shows something (the chat's "See a worked example") lands on it shown.
    if (linked && linked.show) {
      linked.shown = true;
      var shown = this.tutorBubble(linked.show);
      this.list.appendChild(shown);
    }
    this.renderReplies(false);
    if (target && upTo > 1) {
      var li = this.messages[upTo - 1].li;
      li.setAttribute("tabindex", "-1");
      li.focus();
    }
    this.setUpCheck();
  }

  Lesson.prototype.current = function () { return this.messages[this.revealed - 1]; };

  Lesson.prototype.updateDots = function () {
    var n = this.revealed;
    Array.prototype.forEach.call(this.dots.children, function (d, i) { d.classList.toggle("done", i < n); });
  };

  Lesson.prototype.announce = function (text) {
    var a = this.announcer;
    a.textContent = "";
    window.setTimeout(function () { a.textContent = text; }, 30);
  };

  // A tutor bubble appears after a short "typing" pause, unless motion is reduced.
  Lesson.prototype.withTyping = function (then) {
    if (reducedMotion()) { then(); return; }
    var typing = this.tutorBubble(null);
    var dots = el("span", { "class": "typing", "aria-hidden": "true" });
    dots.appendChild(el("span")); dots.appendChild(el("span")); dots.appendChild(el("span"));
    typing.querySelector(".bubble-body").appendChild(dots);
    typing.setAttribute("aria-hidden", "true");
    this.list.appendChild(typing);
    window.setTimeout(function () { typing.remove(); then(); }, 380);
  };

  Lesson.prototype.tutorBubble = function (content) {
    var li = el("li", { "class": "bubble tutor" });
    li.appendChild(el("span", { "class": "avatar", "aria-hidden": "true" }, "🦉"));
    var body = el("div", { "class": "bubble-body" });
    if (content) { body.appendChild(content); }
    li.appendChild(body);
    return li;
  };

  Lesson.prototype.learnerSays = function (text) {
    var li = el("li", { "class": "bubble learner" });
    li.appendChild(el("span", { "class": "avatar", "aria-hidden": "true" }, "🙂"));
    var body = el("div", { "class": "bubble-body" });
    var said = el("p", { "class": "bubble-text" });
    said.appendChild(el("span", { "class": "visually-hidden" }, "You said: "));
    said.appendChild(document.createTextNode(text));
    body.appendChild(said);
    li.appendChild(body);
    this.list.appendChild(li);
    return li;
  };

  Lesson.prototype.appear = function (li) {
    if (!reducedMotion()) { li.classList.add("appear"); }
  };

  Lesson.prototype.revealMessage = function (animate) {
    var m = this.messages[this.revealed];
    if (!m) { return; }
    this.list.appendChild(m.li);  // after any replies that came before
    m.li.hidden = false;
    if (animate) { this.appear(m.li); }
    this.revealed += 1;
    this.updateDots();
    if (animate) { this.announce(m.text); }
  };

  Lesson.prototype.reply = function (label, action) {
    var self = this;
    var hadFocus = this.replies.contains(document.activeElement);
    this.replies.hidden = true;
    var said = this.learnerSays(label);
    // While the tutor "types", the focus waits on what the learner just said instead of falling to the top of the
    // page with the hidden button; the tutor's answer (or the next replies) takes it after.
    if (hadFocus) {
      said.setAttribute("tabindex", "-1");
      said.focus({ preventScroll: true });
    }
    this.withTyping(function () {
      var focus = action();
      self.renderReplies(true, focus);
    });
  };

  Lesson.prototype.renderReplies = function (focusFirst, focusTarget) {
    var self = this;
    var box = this.replies;
    box.textContent = "";
    if (this.checkOpen) { box.hidden = true; return; }
    var m = this.current();
    var last = this.revealed >= this.messages.length;
    var buttons = [];
    function add(label, cls, handler, name) {
      var b = el("button", { type: "button", "class": cls || "", "data-reply": name }, label);
      b.addEventListener("click", handler);
      box.appendChild(b);
      buttons.push(b);
    }
    add(last ? (this.gentle ? "Let's play! ⭐" : "Let's check →") : (this.gentle ? "Next ➜" : "Next →"), "primary", function () {
      if (last) { self.openCheck(self.gentle ? "Let's play!" : "Let's check"); return; }
      self.reply(self.gentle ? "Next" : "Next", function () { self.revealMessage(true); self.sendProgress(false); });
    }, "next");
    if (m && m.why && !m.askedWhy) {
      add("Why? 🤔", "", function () {
        m.askedWhy = true;
        self.reply("Why?", function () {
          var li = self.tutorBubble(m.why);
          self.list.appendChild(li);
          self.appear(li);
          self.announce(m.why.querySelector("p:not(.bubble-label)").textContent);
        });
      }, "why");
    }
    if (m && m.show && !m.shown) {
      add("Show me 👀", "", function () {
        m.shown = true;
        self.reply("Show me", function () {
          var li = self.tutorBubble(m.show);
          self.list.appendChild(li);
          self.appear(li);
          self.announce(self.describeShow(m.show));
          return m.show;
        });
      }, "show");
    }
    if (this.extras.length) {
      add(this.gentle ? "Tell me a story 📖" : "Give me an example 💡", "", function () {
        var extra = self.extras.shift();
        self.reply(self.gentle ? "Tell me a story" : "Give me an example", function () {
          var li = extra;
          self.list.appendChild(li);
          li.hidden = false;
          self.appear(li);
          self.announce(li.querySelector(".bubble-text").textContent);
        });
      }, "example");
    }
    add(this.gentle ? "I know this! 🙋" : "I already know this", "", function () {
      self.openCheck(self.gentle ? "I know this!" : "I already know this");
    }, "skip");
    // A 5-8 child who cannot read the replies yet hears them, from a read-aloud button first in the row (the chat
    // page's question chips have the same); the focus still goes to the first reply.
    if (this.gentle && window.tutorSpeakButton) {
      box.insertBefore(window.tutorSpeakButton(box.id, "the replies you can tap"), box.firstChild);
    }
    box.hidden = false;
    if (focusTarget) {
      focusTarget.setAttribute("tabindex", "-1");
      focusTarget.focus({ preventScroll: false });
    } else if (focusFirst) {
      buttons[0].focus({ preventScroll: true });
      buttons[0].scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" });
    }
  };

  Lesson.prototype.describeShow = function (show) {
    var type = show.getAttribute("data-show-type");
    if (type === "plot") { var img = show.querySelector("img"); return img ? img.alt : "A picture."; }
    if (type === "example") { var t = show.querySelector(".ex-title"); return "Worked example: " + (t ? t.textContent : ""); }
    var demo = show.querySelector("[aria-label]");
    return (demo ? demo.getAttribute("aria-label") : "A demo") + " is open below.";
  };

  Lesson.prototype.openCheck = function (label) {
    var self = this;
    this.checkOpen = true;
    this.replies.hidden = true;
    this.learnerSays(label);
    this.after.forEach(function (node) { if (node) { node.hidden = false; } });
    var heading = this.root.querySelector("#check-h");
    this.sendProgress(this.revealed >= this.messages.length);
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start", behavior: reducedMotion() ? "auto" : "smooth" });
      self.announce(heading.textContent);
    }
  };

  // ---- progress ---------------------------------------------------------------------------------------------------

  Lesson.prototype.queue = function (work) {
    var run = this.writes.then(work, work);
    this.writes = run.catch(function () { return null; });
    return run;
  };

  Lesson.prototype.sendProgress = function (completed) {
    var self = this;
    var seen = this.revealed;
    if (seen <= this.sent.seen && (!completed || this.sent.completed)) { return this.writes; }
    this.sent.seen = Math.max(this.sent.seen, seen);
    this.sent.completed = this.sent.completed || completed;
    var body = { track: this.track, messages_seen: this.sent.seen, completed: this.sent.completed };
    return this.queue(function () {
      return window.tutorApi("POST", self.progressUrl, body).then(function (reply) {
        self.root.setAttribute("data-stored-seen", String(reply.messages_seen));
        self.root.setAttribute("data-checked", reply.checked ? "true" : "false");
        return reply;
      });
    });
  };

  // ---- the check question -----------------------------------------------------------------------------------------

  Lesson.prototype.setUpCheck = function () {
    var self = this;
    var form = this.root.querySelector("#check-form");
    if (!form) { return; }
    var section = this.root.querySelector("#check");
    this.item = section.getAttribute("data-item");
    this.kind = section.getAttribute("data-kind");
    this.key = newKey();
    this.feedback = this.root.querySelector("#check-feedback");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitCheck(form);
    });
    form.querySelectorAll(".order-move").forEach(function (button) {
      button.addEventListener("click", function () { self.moveStep(button); });
    });
  };

  Lesson.prototype.moveStep = function (button) {
    var li = button.closest("li");
    var list = li.parentNode;
    var up = button.getAttribute("data-move") === "-1";
    var other = up ? li.previousElementSibling : li.nextElementSibling;
    if (!other) { return; }
    if (up) { list.insertBefore(li, other); } else { list.insertBefore(other, li); }
    button.focus();
    var position = Array.prototype.indexOf.call(list.children, li) + 1;
    this.announce("Moved to place " + position + " of " + list.children.length + ".");
  };

  Lesson.prototype.answer = function (form) {
    var kind = this.kind;
    if (kind === "choice") {
      var chosen = form.querySelector('input[name="option"]:checked');
      return chosen ? { option: chosen.value } : null;
    }
    if (kind === "multi") {
      var picked = Array.prototype.map.call(form.querySelectorAll('input[name="option"]:checked'), function (i) { return i.value; });
      return picked.length ? { options: picked } : null;
    }
    if (kind === "truefalse") {
      var value = form.querySelector('input[name="value"]:checked');
      return value ? { value: value.value === "true" } : null;
    }
    if (kind === "order") {
      return { order: Array.prototype.map.call(form.querySelectorAll(".order-step"), function (li) { return li.getAttribute("data-step"); }) };
    }
    return null;
  };

  Lesson.prototype.submitCheck = function (form) {
    var self = this;
    var problem = form.querySelector('[data-part="problem"]');
    var answer = this.answer(form);
    if (!answer) {
      problem.textContent = this.gentle ? "Pick an answer first." : "Please choose an answer first.";
      return;
    }
    problem.textContent = "";
    var submit = form.querySelector('button[type="submit"]');
    if (submit.getAttribute("aria-disabled") === "true") { return; }
    submit.setAttribute("aria-disabled", "true");  // not disabled: that would drop the focus until the feedback
    // One key per answer: the same answer sent again (a retry) is stored once; a changed answer is a new attempt.
    var sent = JSON.stringify(answer);
    if (this.sentAnswer !== undefined && this.sentAnswer !== sent) { this.key = newKey(); }
    this.sentAnswer = sent;
    var key = this.key;
    this.queue(function () {
      return fetch(self.attemptsUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRF-Token": csrfToken(), "Idempotency-Key": key },
        body: JSON.stringify({ item_id: self.item, answer: answer })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw new Error((data.error && data.error.message) || "The answer could not be checked."); }
          return data;
        });
      });
    }).then(function (reply) {
      self.showFeedback(form, reply);
      self.sendProgress(true);
    }, function (error) {
      problem.textContent = error.message;
    }).then(function () { submit.removeAttribute("aria-disabled"); });
  };

  Lesson.prototype.showFeedback = function (form, reply) {
    var self = this;
    var box = this.feedback;
    box.textContent = "";
    box.className = "check-feedback " + (reply.correct ? "right" : "wrong");
    var verdict;
    if (this.gentle) {
      verdict = reply.correct ? "⭐ Yes! Well done!" : "Good try! Let's look again.";
      if (reply.correct) { box.appendChild(el("p", { "class": "big-stars", "aria-hidden": "true" }, "⭐⭐⭐")); }
    } else {
      verdict = reply.correct ? "✔ Correct" : (reply.score > 0 ? "◐ Partly right" : "✗ Not quite");
    }
    // The words of the feedback (what read-aloud reads): the verdict, why, and the mix-up behind a wrong answer.
    var words = el("div", { id: "check-feedback-words" });
    words.appendChild(el("p", { "class": "verdict" }, verdict));
    words.appendChild(el("p", { id: "check-feedback-text" }, reply.feedback));
    if (reply.misconception_label && !reply.correct) {
      var mis = el("p");
      mis.appendChild(el("strong", {}, this.gentle ? "A common mix-up: " : "A common idea that is not right: "));
      mis.appendChild(document.createTextNode(reply.misconception_label));
      words.appendChild(mis);
    }
    box.appendChild(words);
    var tools = el("div", { "class": "button-row" });
    tools.appendChild(window.tutorSpeakButton("check-feedback-words", "the feedback"));
    if (!reply.correct) {
      var again = el("button", { type: "button", "class": "button secondary" }, this.gentle ? "Try again" : "Try again");
      again.addEventListener("click", function () {
        self.key = newKey();
        self.sentAnswer = undefined;
        box.hidden = true;
        var first = form.querySelector("input, .order-move");
        if (first) { first.focus(); }
      });
      tools.appendChild(again);
      var hash = (reply.lesson_link || "").split("#")[1];
      if (hash && self.messages.some(function (m) { return m.li.id === hash; })) {
        var back = el("a", { "class": "button secondary", href: "#" + hash }, this.gentle ? "📖 Hear it again" : "📖 Read that part again");
        back.addEventListener("click", function (event) {
          event.preventDefault();
          self.hearAgain(hash);
        });
        tools.appendChild(back);
      }
    }
    box.appendChild(tools);
    box.hidden = false;
    box.focus();
  };

  // "Hear it again" / "Read that part again": the message that explains the slip. A learner who skipped ahead
  // ("I know this!") has not seen it yet, so the conversation first catches up to it; then it takes the focus and,
  // on the 5-8 track (whose button promises hearing), is read aloud: the child's tap started it.
  Lesson.prototype.hearAgain = function (id) {
    var at = this.messages.findIndex(function (m) { return m.li.id === id; });
    if (at < 0) { return; }
    while (this.revealed <= at) { this.revealMessage(false); }
    this.sendProgress(false);
    var target = this.messages[at].li;
    target.setAttribute("tabindex", "-1");
    target.focus();
    if (this.gentle && window.tutorSpeak) {
      var speak = target.querySelector(".speak");
      if (speak) { window.tutorSpeak(window.tutorSpeakableText(speak), speak); }
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("lesson");
    if (root) { window.tutorLesson = new Lesson(root); }
  });
})();
