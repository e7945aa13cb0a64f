// The chat page: send a question to POST /api/chat, show the tutor's answer as bubbles with read-aloud, examples,
// plots, follow-up chips and a "How did you understand me?" panel. Plain DOM, no inline styles in HTML.
(function () {
  "use strict";

  var app, log, form, input, chips, errorBox, statusBox, sendButton, track, apiUrl;
  var counter = 0;
  var busy = false;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function percent(x) { return Math.round(100 * x) + "%"; }

  function scrollToEnd(node) {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "nearest", behavior: reduce ? "auto" : "smooth" });
  }

  function speakButton(targetId) {
    var button = el("button", { type: "button", "class": "speak", "data-speak": targetId, "aria-pressed": "false" },
      "🔊 Read aloud");
    button.hidden = !("speechSynthesis" in window);
    return button;
  }

  function addLearnerBubble(text) {
    var bubble = el("div", { "class": "bubble learner" });
    bubble.appendChild(el("span", { "class": "visually-hidden" }, "You asked: "));
    bubble.appendChild(el("p", {}, text));
    log.appendChild(bubble);
    scrollToEnd(bubble);
  }

  function bar(value, label) {
    var outer = el("span", { "class": "bar", "aria-hidden": "true" });
    var inner = el("span", { "class": "bar-fill" });
    inner.style.width = Math.max(2, Math.min(100, Math.round(100 * value))) + "%";
    outer.appendChild(inner);
    var row = el("span", { "class": "bar-row" });
    row.appendChild(el("span", { "class": "bar-label" }, label));
    row.appendChild(outer);
    return row;
  }

  function howPanel(how, id) {
    var details = el("details", { "class": "how", id: id });
    details.appendChild(el("summary", {}, "How did you understand me?"));
    var body = el("div", { "class": "how-body" });

    body.appendChild(el("h3", {}, "My network"));
    var net = el("ol", { "class": "how-network", "aria-label": "The layers of my network" });
    var sizes = how.network.sizes;
    net.appendChild(el("li", {}, sizes[0] + " inputs: counts of the letter groups and words in your question"));
    net.appendChild(el("li", {}, sizes[1] + " hidden neurons (" + how.network.activations[0] + "), " +
      how.active_hidden + " of them switched on"));
    net.appendChild(el("li", {}, sizes[sizes.length - 1] + " outputs (" + how.network.activations[1] +
      "): one for each topic, and one for \u201csomething else\u201d"));
    body.appendChild(net);

    body.appendChild(el("h3", {}, "Words that pointed to \u201c" + how.topic_title + "\u201d"));
    if (how.words.length) {
      var maxScore = how.words[0].score || 1;
      var words = el("ul", { "class": "how-words" });
      how.words.forEach(function (w) {
        var li = el("li");
        li.appendChild(bar(w.score / maxScore, w.text));
        words.appendChild(li);
      });
      body.appendChild(words);
      if (how.pieces.length) {
        body.appendChild(el("p", { "class": "muted" }, "Letter groups that counted most: " +
          how.pieces.map(function (p) { return "\u201c" + p.text + "\u201d"; }).join(", ")));
      }
    } else {
      body.appendChild(el("p", {}, "None of your words pointed clearly to it."));
    }

    body.appendChild(el("h3", {}, "How sure I was"));
    var top = el("ul", { "class": "how-top" });
    how.top.forEach(function (t) {
      var li = el("li");
      li.appendChild(bar(t.confidence, t.title + ": " + percent(t.confidence)));
      top.appendChild(li);
    });
    var other = el("li");
    other.appendChild(bar(how.other, "Something else: " + percent(how.other)));
    top.appendChild(other);
    body.appendChild(top);
    body.appendChild(el("p", { "class": "muted" }, "If I am less than " + percent(how.threshold) +
      " sure about the best topic, or \u201csomething else\u201d wins, I tell you I am not sure."));
    details.appendChild(body);
    return details;
  }

  function addTutorBubble(data) {
    counter += 1;
    var id = "tutor-" + counter;
    var bubble = el("div", { "class": "bubble tutor" + (data.topic ? "" : " unsure") });
    if (data.title) { bubble.appendChild(el("p", { "class": "bubble-title" }, data.title)); }
    var textBox = el("div", { "class": "reply-text", id: id + "-text" });
    data.reply.split(/\n\n+/).forEach(function (paragraph) { textBox.appendChild(el("p", {}, paragraph)); });
    bubble.appendChild(textBox);

    if (!data.topic && data.closest && data.closest.length) {
      var closest = el("p", { "class": "muted" }, "Closest topics: " +
        data.closest.map(function (c) { return c.title; }).join(", ") + ".");
      bubble.appendChild(closest);
    }

    (data.figures || []).forEach(function (figure) {
      var fig = el("figure", { "class": "chat-figure" });
      fig.appendChild(el("img", { src: figure.url, alt: figure.alt || "A plot from the lesson", loading: "lazy" }));
      if (figure.alt) { fig.appendChild(el("figcaption", {}, figure.alt)); }
      bubble.appendChild(fig);
    });

    if (data.examples && data.examples.length) {
      var links = el("p", { "class": "chat-links" });
      data.examples.forEach(function (example) {
        var label = example.type === "demo" ? "Try the " + example.kind.replace(/-/g, " ") + " demo"
          : "See a worked example: " + example.kind.replace(/-/g, " ");
        links.appendChild(el("a", { href: example.url, "class": "button secondary" }, label));
      });
      bubble.appendChild(links);
    }
    if (data.lesson_url) {
      var lesson = el("p", {});
      lesson.appendChild(el("a", { href: data.lesson_url + "?track=" + encodeURIComponent(track) }, "Open the whole lesson"));
      bubble.appendChild(lesson);
    }

    var tools = el("div", { "class": "bubble-tools" });
    tools.appendChild(speakButton(id + "-text"));
    bubble.appendChild(tools);
    if (data.how) { bubble.appendChild(howPanel(data.how, id + "-how")); }
    log.appendChild(bubble);
    scrollToEnd(bubble);
    return id;
  }

  function setChips(questions, howId) {
    chips.textContent = "";
    questions.forEach(function (q) {
      chips.appendChild(el("button", { type: "button", "class": "chip", "data-ask": q }, q));
    });
    if (howId) {
      chips.appendChild(el("button", { type: "button", "class": "chip chip-how", "data-how": howId },
        "How did you understand me?"));
    }
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  function ask(text) {
    text = (text || "").trim();
    if (!text) { showError("Type a question first."); input.focus(); return; }
    if (text.length > 500) { showError("That is too long. Please use fewer than 500 letters."); return; }
    if (busy) { return; }
    busy = true;
    showError("");
    sendButton.setAttribute("aria-disabled", "true");  // not disabled: the focus stays on it while the tutor thinks
    statusBox.textContent = "The tutor is thinking\u2026";
    addLearnerBubble(text);
    input.value = "";
    window.tutorApi("POST", apiUrl, { message: text, track: track }).then(function (data) {
      statusBox.textContent = "";
      var id = addTutorBubble(data);
      setChips(data.suggestions || [], data.how ? id + "-how" : null);
    }).catch(function (error) {
      statusBox.textContent = "";
      showError(error.message || "Something went wrong. Please try again.");
    }).then(function () {
      busy = false;
      sendButton.removeAttribute("aria-disabled");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    app = document.getElementById("chat-app");
    if (!app) { return; }
    log = document.getElementById("chat-log");
    form = document.getElementById("chat-form");
    input = document.getElementById("chat-input");
    chips = document.getElementById("chat-chips");
    errorBox = document.getElementById("chat-error");
    statusBox = document.getElementById("chat-status");
    sendButton = document.getElementById("chat-send");
    track = app.getAttribute("data-track");
    apiUrl = app.getAttribute("data-api");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ask(input.value);
    });
    chips.addEventListener("click", function (event) {
      var chip = event.target.closest("button");
      if (!chip) { return; }
      if (chip.hasAttribute("data-how")) {
        var panel = document.getElementById(chip.getAttribute("data-how"));
        if (panel) {
          panel.open = true;
          var summary = panel.querySelector("summary");
          scrollToEnd(panel);
          if (summary) { summary.focus(); }
        }
        return;
      }
      ask(chip.getAttribute("data-ask"));
    });
  });
})();
