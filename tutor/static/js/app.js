// Site-wide behaviour: reading preferences (bigger text, high contrast) and read-aloud buttons.
(function () {
  "use strict";
  var root = document.documentElement;
  var STORE = "tutor-prefs";

  function loadPrefs() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (e) { return {}; }
  }
  function savePrefs(prefs) {
    try { localStorage.setItem(STORE, JSON.stringify(prefs)); } catch (e) { /* private mode: keep for this page */ }
  }
  var prefs = loadPrefs();
  Object.keys(prefs).forEach(function (name) { root.classList.toggle(name, !!prefs[name]); });

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // JSON helper used by every page script: same-origin, CSRF header, errors as {error: {...}}.
  window.tutorApi = function (method, url, body) {
    var options = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET") { options.headers["X-CSRF-Token"] = csrfToken(); }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || ("Request failed: " + response.status));
          error.status = response.status; error.body = data;
          throw error;
        }
        return data;
      });
    });
  };

  // ---- Read-aloud ------------------------------------------------------------------------------------------------
  // The browser's own speech synthesis, only when a button is pressed. A read-aloud button ([data-speak]) reads the
  // element(s) its data-speak names (ids, space-separated, read in order; none: its speech bubble) as they are shown:
  // what is hidden is not read (hidden, display:none, a closed <details>, the visually-hidden words meant for screen
  // readers, aria-hidden pictures, parts marked data-speak-skip, the read-aloud buttons themselves), and pictures
  // and symbols are said in words or left out ("−" is "minus", "×" is "times", no "star" for ⭐). One read at a time:
  // a new read replaces the one playing (also one still waiting to start), pressing the playing button again stops
  // it, and so does Escape. aria-pressed shows which button is playing.
  var speech = null;  // {utterance, button} of the read now playing

  function rendered(node) {
    if (node.hidden || node.getAttribute("aria-hidden") === "true" || node.hasAttribute("data-speak-skip")) { return false; }
    if (node.classList.contains("visually-hidden") || node.classList.contains("speak")) { return false; }
    if (/^(script|style|template|input|select|textarea|svg|canvas|noscript)$/i.test(node.tagName)) { return false; }
    if (node.checkVisibility && !node.checkVisibility({ visibilityProperty: true })) { return false; }
    var style = window.getComputedStyle(node);
    return style.display !== "none" && style.visibility !== "hidden";
  }

  // The shown text of a node, one line per block (paragraph, list item, option, button).
  function shownLines(node, lines) {
    var line = [];
    function flush() {
      var text = line.join("").replace(/\s+/g, " ").trim();
      if (text) { lines.push(text); }
      line = [];
    }
    (function walk(parent) {
      parent.childNodes.forEach(function (child) {
        if (child.nodeType === 3) { line.push(child.textContent); return; }
        if (child.nodeType !== 1 || !rendered(child)) { return; }
        if (child.tagName === "BR") { flush(); return; }
        var display = window.getComputedStyle(child).display;
        var block = display !== "inline" && display !== "contents";
        if (block) { flush(); }
        walk(child);
        if (block) { flush(); }
      });
    })(node);
    flush();
    return lines;
  }

  // Symbols as words, pictures left out: what a child hears matches what the screen says.
  function sayable(text) {
    return String(text)
      .replace(/\b(\d+(?:\.\d+)?)e([+\-\u2212]?)(\d+)\b/gi, function (all, m, sign, exp) {
        return m + " times 10 to the power " + (sign === "-" || sign === "\u2212" ? "minus " : "") + exp;
      })
      .replace(/[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F\u200D\u20E3]/gu, "")
      .replace(/[\u2713\u2714\u2717\u2718\u25D0\u2022\u270E\u25B2\u25BC\u21D0\u21D2]/g, " ")
      .replace(/\u2212|(^|[\s(\[=:,])-(?=\d)/g, function (all, before) { return (before || " ") + "minus "; })
      .replace(/(\d)\s*[\u2013\u2014]\s*(\d)/g, "$1 to $2")
      .replace(/\s[\u2013\u2014]\s|[\u2013\u2014]$|^[\u2013\u2014]/g, ", ")
      .replace(/\s*\u00d7\s*/g, " times ")
      .replace(/\s*\u00f7\s*/g, " divided by ")
      .replace(/\s*\u00b1\s*/g, " plus or minus ")
      .replace(/\s*\u2248\s*/g, " about ")
      .replace(/\s*\u2264\s*/g, " at most ")
      .replace(/\s*\u2265\s*/g, " at least ")
      .replace(/\u00b2/g, " squared")
      .replace(/\s+\u00b7\s+/g, ", ")
      .replace(/\s*\u00b7\s*/g, " times ")
      .replace(/\s*\+\s*/g, " plus ")
      .replace(/\s+=\s+|\s*=\s*(?=[\d(\u2212-])/g, " equals ")
      .replace(/\s*\u2190\s*/g, " becomes ")
      .replace(/^\s*[\u2192\u279C\u27F6]\s*|\s*[\u2192\u279C\u27F6]\s*$/gm, " ")
      .replace(/\s*[\u2192\u279C\u27F6]\s*/g, " to ")
      .replace(/\u2191/g, " up ").replace(/\u2193/g, " down ")
      .replace(/#(\d)/g, "number $1")
      .replace(/[ \t]+/g, " ")
      .replace(/ ([,.;:!?)])/g, "$1").replace(/\( /g, "(")
      .replace(/^[ ,]+|[ ,]+$/gm, "")
      .replace(/\n{2,}/g, "\n")
      .trim();
  }

  // What a read-aloud button reads: the shown text of its targets, each block ending as a sentence (so "A tiny
  // helper" and "A real brain cell" are two answers, not one).
  function speakableText(button) {
    var ids = (button.getAttribute("data-speak") || "").split(/\s+/).filter(Boolean);
    var sources = ids.length ? ids.map(function (id) { return document.getElementById(id); })
      : [button.closest(".bubble")];
    var lines = [];
    sources.forEach(function (source) { if (source && rendered(source)) { shownLines(source, lines); } });
    return lines.map(function (line) {
      line = sayable(line);
      return !line || /[.!?:;…,"”)]$/.test(line) ? line : line + ".";
    }).filter(Boolean).join("\n");
  }
  window.tutorSpeakableText = speakableText;
  window.tutorSayable = sayable;

  function released(entry) {
    if (entry && entry.button) { entry.button.setAttribute("aria-pressed", "false"); }
  }

  window.tutorStopSpeaking = function () {
    var was = speech;
    speech = null;
    if ("speechSynthesis" in window) { window.speechSynthesis.cancel(); }
    released(was);
  };

  // The track of what is read sets the pace (slower for 5-8): the track the page shows, which a grown-up's ?track=
  // can make another than the session's (the <html>'s). A lesson, a demo, the chat, a quiz and the role-play carry
  // the track they show as data-track: the one around the button, else the page's first, else the session's.
  function shownTrack(button) {
    var holder = (button && button.closest("main [data-track]")) || document.querySelector("main [data-track]") || root;
    return holder.getAttribute("data-track");
  }

  window.tutorSpeak = function (text, button) {
    if (!("speechSynthesis" in window)) { return false; }
    var synth = window.speechSynthesis;
    // Always cancel: a read that has not started yet (synth.pending) would otherwise wait in the queue.
    window.tutorStopSpeaking();
    text = String(text || "").trim();
    if (!text) { return false; }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = root.getAttribute("lang") || "en";
    utterance.rate = shownTrack(button) === "ages-5-8" ? 0.85 : 0.95;
    var entry = { utterance: utterance, button: button || null };
    speech = entry;
    if (button) { button.setAttribute("aria-pressed", "true"); }
    // The read this one replaced ends (with "interrupted") after it started: only the current read clears its button.
    utterance.onend = utterance.onerror = function () {
      if (speech === entry) { speech = null; released(entry); }
    };
    synth.speak(utterance);
    return true;
  };

  // A read-aloud button made by a page script, the same as the templates' read_aloud macro (macros.html) writes:
  // it shows "🔊 Read aloud" and is named "Read aloud: <what it reads>", so every read-aloud button on the site looks
  // and sounds alike whoever made it. `ids`: the ids of what it reads, space-separated, in the order read.
  window.tutorSpeakButton = function (ids, what) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "speak";
    button.setAttribute("data-speak", ids);
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", "Read aloud: " + what);
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "\uD83D\uDD0A";
    button.appendChild(icon);
    button.appendChild(document.createTextNode(" Read aloud"));
    button.hidden = !("speechSynthesis" in window);
    return button;
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-speak]");
    if (!button) { return; }
    if (speech && speech.button === button) { window.tutorStopSpeaking(); return; }  // pressed again: stop
    window.tutorSpeak(speakableText(button), button);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && speech) { window.tutorStopSpeaking(); }
  });
  window.addEventListener("pagehide", function () { if (speech) { window.tutorStopSpeaking(); } });

  // A table too wide for the screen scrolls sideways inside its .table-wrap, which the markup makes a tab stop so
  // that keyboard users can reach and scroll it. Where the table fits (a phone's card layout, a wide screen) that
  // tab stop leads nowhere, so it is kept only while the box really scrolls, and looked at again whenever the box or
  // its table changes size (rotation, bigger text, rows added). Otherwise tabindex is -1, not absent: Chromium makes
  // an overflow box a tab stop of its own when its table is a fraction of a pixel wider than it (scrollWidth rounds
  // that away). Without this script every box keeps its tab stop.
  function tabStopOnlyWhereItScrolls(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (scrolls) { box.setAttribute("tabindex", "0"); } else if (document.activeElement !== box) { box.setAttribute("tabindex", "-1"); }
  }
  function watchScrollBoxes() {
    var boxes = document.querySelectorAll(".table-wrap[role=region]");
    if (!boxes.length || !("ResizeObserver" in window)) { return; }
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { tabStopOnlyWhereItScrolls(entry.target.closest(".table-wrap") || entry.target); });
    });
    boxes.forEach(function (box) {
      observer.observe(box);
      if (box.firstElementChild) { observer.observe(box.firstElementChild); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    watchScrollBoxes();
    document.querySelectorAll(".tool-toggle[data-pref]").forEach(function (button) {
      var name = button.getAttribute("data-pref");
      button.hidden = false;  // hidden in the page: without this script the buttons would do nothing
      button.setAttribute("aria-pressed", root.classList.contains(name) ? "true" : "false");
      button.addEventListener("click", function () {
        var on = !root.classList.contains(name);
        root.classList.toggle(name, on);
        prefs[name] = on;
        savePrefs(prefs);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
    document.querySelectorAll("[data-speak]").forEach(function (b) {
      if (!("speechSynthesis" in window)) { b.hidden = true; }
      if (!b.hasAttribute("aria-pressed")) { b.setAttribute("aria-pressed", "false"); }  // a toggle from the start
    });
  });
})();
