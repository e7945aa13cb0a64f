// The matching exercise: pair each term with its definition by dragging (mouse or touch), by clicking a term and
// then a definition, or with the keyboard only (Enter/Space picks, arrow keys move, Escape cancels).
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // create(container, item, options) -> {pairs(), lock(), showResult(reply)}
  function create(container, item, options) {
    options = options || {};
    var pairs = {};            // term id -> definition id
    var selected = null;       // {side: "term"|"definition", id}
    var locked = false;
    var termText = {}, defText = {};
    item.terms.forEach(function (t) { termText[t.id] = t.text; });
    item.definitions.forEach(function (d) { defText[d.id] = d.text; });

    var root = el("div", { "class": "matching" });
    var help = el("p", { "class": "matching-help", id: item.id.replace(/[^a-z0-9-]/gi, "-") + "-help" },
      options.gentle ? "Tap a word, then tap what it means. You can also drag it."
        : "Drag a term onto its meaning, or choose a term and then a meaning. Keyboard: Enter picks, arrow keys move between the lists, Escape cancels.");
    var columns = el("div", { "class": "matching-columns" });
    var termCol = el("div", { "class": "matching-col" });
    var defCol = el("div", { "class": "matching-col" });
    termCol.appendChild(el("h3", { id: "terms-heading" }, options.gentle ? "Words" : "Terms"));
    defCol.appendChild(el("h3", { id: "defs-heading" }, options.gentle ? "What they mean" : "Definitions"));
    var base = item.id.replace(/[^a-z0-9-]/gi, "-");
    var termList = el("ul", { "class": "match-list terms", id: base + "-terms", "aria-labelledby": "terms-heading" });
    var defList = el("ul", { "class": "match-list definitions", id: base + "-defs", "aria-labelledby": "defs-heading" });
    if (options.gentle && window.tutorSpeakButton) {  // a child who cannot read them yet hears each list, top to bottom
      termCol.appendChild(window.tutorSpeakButton(termList.id, "the words"));
      defCol.appendChild(window.tutorSpeakButton(defList.id, "what they mean"));
    }
    termCol.appendChild(termList);
    defCol.appendChild(defList);
    columns.appendChild(termCol);
    columns.appendChild(defCol);
    var pairsHeading = el("h3", { id: "pairs-heading" }, options.gentle ? "Your pairs" : "Your pairs");
    var pairList = el("ul", { "class": "pair-list", "aria-labelledby": "pairs-heading" });
    var live = el("p", { "class": "visually-hidden", "aria-live": "polite" });
    root.appendChild(help);
    root.appendChild(columns);
    root.appendChild(pairsHeading);
    root.appendChild(pairList);
    root.appendChild(live);
    container.appendChild(root);

    function termButton(t) {
      var b = el("button", { type: "button", "class": "match-term", "data-term": t.id, draggable: "true",
                             "aria-describedby": help.id });
      b.appendChild(el("span", { "class": "match-text" }, t.text));
      b.appendChild(el("span", { "class": "match-badge" }));
      b.appendChild(el("span", { "class": "visually-hidden match-state" }));
      return b;
    }
    function defButton(d) {
      var b = el("button", { type: "button", "class": "match-definition", "data-definition": d.id });
      b.appendChild(el("span", { "class": "match-text" }, d.text));
      b.appendChild(el("span", { "class": "match-badge" }));
      b.appendChild(el("span", { "class": "visually-hidden match-state" }));
      return b;
    }
    item.terms.forEach(function (t) { var li = el("li"); li.appendChild(termButton(t)); termList.appendChild(li); });
    item.definitions.forEach(function (d) { var li = el("li"); li.appendChild(defButton(d)); defList.appendChild(li); });

    function termOf(defId) {
      return Object.keys(pairs).filter(function (t) { return pairs[t] === defId; })[0] || null;
    }
    function say(text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 30); }

    function render() {
      root.querySelectorAll(".match-term").forEach(function (b) {
        var id = b.getAttribute("data-term");
        var paired = pairs[id];
        b.classList.toggle("paired", !!paired);
        b.setAttribute("aria-pressed", selected && selected.side === "term" && selected.id === id ? "true" : "false");
        if (!locked) { b.querySelector(".match-badge").textContent = paired ? "✔ paired" : ""; }
        // The accessible name is the visible text plus this hidden detail, so speech and sight agree.
        b.querySelector(".match-state").textContent = paired ? " with: " + defText[paired] : ", not paired yet";
      });
      root.querySelectorAll(".match-definition").forEach(function (b) {
        var id = b.getAttribute("data-definition");
        var term = termOf(id);
        b.classList.toggle("paired", !!term);
        b.setAttribute("aria-pressed", selected && selected.side === "definition" && selected.id === id ? "true" : "false");
        b.querySelector(".match-badge").textContent = term ? "⇐ " + termText[term] : "";
      });
      pairList.textContent = "";
      var ids = item.terms.map(function (t) { return t.id; }).filter(function (t) { return pairs[t]; });
      if (!ids.length) {
        pairList.appendChild(el("li", { "class": "muted" }, options.gentle ? "No pairs yet." : "No pairs yet."));
      }
      ids.forEach(function (t) {
        var li = el("li", { "class": "pair", "data-pair": t });
        li.appendChild(el("span", { "class": "pair-text" }, termText[t] + " → " + defText[pairs[t]]));
        if (!locked) {
          var remove = el("button", { type: "button", "class": "button secondary small remove-pair",
                                      "aria-label": "Remove the pair " + termText[t] }, "Remove");
          remove.addEventListener("click", function () {
            delete pairs[t];
            say("Removed the pair for " + termText[t] + ".");
            render();
            var back = root.querySelector('[data-term="' + t + '"]');
            if (back) { back.focus(); }
          });
          li.appendChild(remove);
        }
        pairList.appendChild(li);
      });
      if (options.onChange) { options.onChange(Object.keys(pairs).length); }
    }

    function pair(termId, defId) {
      if (locked) { return; }
      var other = termOf(defId);
      if (other && other !== termId) { delete pairs[other]; }
      pairs[termId] = defId;
      selected = null;
      say("Paired " + termText[termId] + " with: " + defText[defId] + (/[.!?…]$/.test(defText[defId]) ? "" : "."));
      render();
      // Keep going: the next term still to pair gets the focus, so keyboard users flow through the list.
      var next = item.terms.filter(function (t) { return !pairs[t.id]; })[0];
      var target = next ? root.querySelector('[data-term="' + next.id + '"]') : null;
      if (target && document.activeElement && root.contains(document.activeElement)) { target.focus(); }
    }

    function choose(side, id) {
      if (locked) { return; }
      if (selected && selected.side !== side) {
        if (side === "definition") { pair(selected.id, id); } else { pair(id, selected.id); }
        return;
      }
      if (selected && selected.side === side && selected.id === id) {
        selected = null;
        say("Choice cancelled.");
      } else {
        selected = { side: side, id: id };
        say((side === "term" ? termText[id] : defText[id]) + " chosen. Now choose its " +
            (side === "term" ? "meaning." : "term."));
      }
      render();
    }

    var justDragged = false;
    root.addEventListener("click", function (event) {
      if (justDragged) { justDragged = false; return; }  // the click that ends a touch drag is not a choice
      var term = event.target.closest(".match-term");
      var def = event.target.closest(".match-definition");
      if (term) { choose("term", term.getAttribute("data-term")); }
      if (def) { choose("definition", def.getAttribute("data-definition")); }
    });

    root.addEventListener("keydown", function (event) {
      var button = event.target.closest(".match-term, .match-definition");
      if (!button) { return; }
      var list = button.closest("ul");
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var i = buttons.indexOf(button);
      if (event.key === "Escape") {
        if (selected) { selected = null; say("Choice cancelled."); render(); }
        event.preventDefault();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var j = event.key === "ArrowDown" ? Math.min(buttons.length - 1, i + 1) : Math.max(0, i - 1);
        buttons[j].focus();
        event.preventDefault();
      } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        var otherList = list === termList ? defList : termList;
        var others = otherList.querySelectorAll("button");
        var target = others[Math.min(i, others.length - 1)];
        if (target) { target.focus(); }
        event.preventDefault();
      }
    });

    // HTML5 drag and drop (mouse).
    var dragged = null;
    root.addEventListener("dragstart", function (event) {
      var term = event.target.closest && event.target.closest(".match-term");
      if (!term || locked) { event.preventDefault(); return; }
      dragged = term.getAttribute("data-term");
      event.dataTransfer.setData("text/plain", dragged);
      event.dataTransfer.effectAllowed = "move";
      term.classList.add("dragging");
    });
    root.addEventListener("dragend", function (event) {
      var term = event.target.closest && event.target.closest(".match-term");
      if (term) { term.classList.remove("dragging"); }
      root.querySelectorAll(".drop-target").forEach(function (d) { d.classList.remove("drop-target"); });
      dragged = null;
    });
    root.addEventListener("dragover", function (event) {
      var def = event.target.closest && event.target.closest(".match-definition");
      if (def && dragged) {
        event.preventDefault();
        root.querySelectorAll(".drop-target").forEach(function (d) { if (d !== def) { d.classList.remove("drop-target"); } });
        def.classList.add("drop-target");
      }
    });
    root.addEventListener("drop", function (event) {
      var def = event.target.closest && event.target.closest(".match-definition");
      var termId = dragged || event.dataTransfer.getData("text/plain");
      if (def && termId && termText[termId]) {
        event.preventDefault();
        def.classList.remove("drop-target");
        pair(termId, def.getAttribute("data-definition"));
      }
    });

    // Touch and pen: pointer events move a floating copy of the term; lifting the finger over a meaning pairs it.
    var touch = null;
    root.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" || locked) { return; }
      var term = event.target.closest(".match-term");
      if (!term) { return; }
      touch = { id: term.getAttribute("data-term"), x: event.clientX, y: event.clientY, ghost: null, source: term };
    });
    root.addEventListener("pointermove", function (event) {
      if (!touch) { return; }
      if (!touch.ghost && Math.abs(event.clientX - touch.x) + Math.abs(event.clientY - touch.y) > 8) {
        touch.ghost = el("div", { "class": "match-ghost", "aria-hidden": "true" }, termText[touch.id]);
        document.body.appendChild(touch.ghost);
        touch.source.setPointerCapture && touch.source.setPointerCapture(event.pointerId);
      }
      if (touch.ghost) {
        touch.ghost.style.left = event.clientX + "px";
        touch.ghost.style.top = event.clientY + "px";
        event.preventDefault();
      }
    });
    function endTouch(event) {
      if (!touch) { return; }
      var t = touch;
      touch = null;
      if (!t.ghost) { return; }  // a tap: the click handler does the rest
      t.ghost.remove();
      var under = document.elementFromPoint(event.clientX, event.clientY);
      var def = under && under.closest(".match-definition");
      if (def && root.contains(def)) { pair(t.id, def.getAttribute("data-definition")); }
      justDragged = true;
      window.setTimeout(function () { justDragged = false; }, 400);
    }
    root.addEventListener("pointerup", endTouch);
    root.addEventListener("pointercancel", function () { if (touch && touch.ghost) { touch.ghost.remove(); } touch = null; });

    render();

    return {
      pairs: function () { return Object.assign({}, pairs); },
      count: function () { return Object.keys(pairs).length; },
      lock: function () {
        locked = true;
        selected = null;
        root.classList.add("locked");
        root.querySelectorAll(".match-term").forEach(function (b) { b.setAttribute("draggable", "false"); });
        render();
      },
      showResult: function (solution) {
        var wrong = {};
        (solution.wrong || []).forEach(function (w) { wrong[w.term] = w; });
        root.querySelectorAll(".match-term").forEach(function (b) {
          var id = b.getAttribute("data-term");
          b.classList.add(wrong[id] ? "result-wrong" : "result-right");
          b.querySelector(".match-badge").textContent = wrong[id] ? (options.gentle ? "↻ look again" : "✗ not this one") : "✔ right";
        });
      }
    };
  }

  window.TutorMatching = { create: create };
})();
