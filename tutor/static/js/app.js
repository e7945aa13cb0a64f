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

  // Read-aloud: the browser's own speech synthesis, only when a button is pressed.
  window.tutorSpeak = function (text, button) {
    if (!("speechSynthesis" in window)) { return false; }
    var synth = window.speechSynthesis;
    if (synth.speaking) { synth.cancel(); }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.rate = root.dataset.track === "ages-5-8" ? 0.85 : 0.95;
    if (button) {
      button.setAttribute("aria-pressed", "true");
      utterance.onend = utterance.onerror = function () { button.setAttribute("aria-pressed", "false"); };
    }
    synth.speak(utterance);
    return true;
  };

  document.addEventListener("click", function (event) {
    var speak = event.target.closest("[data-speak]");
    if (speak) {
      var target = speak.getAttribute("data-speak");
      var source = target ? document.getElementById(target) : speak.closest(".bubble");
      if (source) { window.tutorSpeak(source.innerText.replace(speak.innerText, ""), speak); }
    }
  });

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
    if (!("speechSynthesis" in window)) {
      document.querySelectorAll("[data-speak]").forEach(function (b) { b.hidden = true; });
    }
  });
})();
