// The chat page: send a question to POST /api/chat, show the tutor's answer as bubbles with read-aloud, examples,
// plots, follow-up chips and a "How did you understand me?" panel with a drawing of the tutor's own network (SVG
// built with createElementNS, styled by classes in chat.css). Plain DOM, no inline styles in HTML.
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

  function percent(x) { return Math.round(+(100 * x).toPrecision(12)) + "%"; }  // 0.575 is 58%, as the server says

  function scrollToEnd(node) {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "nearest", behavior: reduce ? "auto" : "smooth" });
  }

  function speakButton(targets) {
    return window.tutorSpeakButton(targets, "the tutor's answer");
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

  // ---------------------------------------------------------------- the network drawing in the how panel
  // An SVG picture of the recogniser for one reply: the words that mattered (input nodes, line thickness by score),
  // the hidden layer (one circle per hidden unit, as many lit as were active) and the outputs (the top three topics
  // and "not about networks", each with its confidence bar, the "not sure" threshold as a dashed line). Every number
  // drawn comes from the reply. The picture is laid out for the panel's width and font size, so text stays the size
  // of the text around it (bigger text, the 5-8 track) and fits a phone; it is redrawn when those change.
  var SVG_NS = "http://www.w3.org/2000/svg";
  var drawings = [];
  var measureCanvas = null;

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function r1(x) { return Math.round(x * 10) / 10; }

  function textWidth(text, size, family, bold) {
    measureCanvas = measureCanvas || document.createElement("canvas");
    var ctx = measureCanvas.getContext("2d");
    if (!ctx) { return text.length * size * 0.6; }
    ctx.font = (bold ? "700 " : "400 ") + size + "px " + family;
    return ctx.measureText(text).width;
  }

  // Greedy word wrap into lines no wider than maxWidth; the font shrinks (down to 75%) when one word is too wide,
  // and a word still too wide at 75% is cut with an ellipsis. Returns {lines, size}.
  function wrap(text, maxWidth, size, family, bold) {
    var words = String(text).split(/\s+/).filter(Boolean);
    var widest = 0;
    words.forEach(function (w) { widest = Math.max(widest, textWidth(w, size, family, bold)); });
    if (widest > maxWidth) { size = Math.max(size * 0.75, size * maxWidth / widest); }
    var lines = [];
    var line = "";
    words.forEach(function (w) {
      while (textWidth(w, size, family, bold) > maxWidth && w.length > 2) { w = w.slice(0, -2) + "\u2026"; }
      var candidate = line ? line + " " + w : w;
      if (line && textWidth(candidate, size, family, bold) > maxWidth) { lines.push(line); line = w; } else { line = candidate; }
    });
    if (line) { lines.push(line); }
    return { lines: lines.length ? lines : [""], size: size };
  }

  function textBlock(parent, wrapped, x, y, anchor, cls, lineHeight) {
    var node = svgEl("text", { x: r1(x), y: r1(y), "text-anchor": anchor, "font-size": r1(wrapped.size), "class": cls });
    wrapped.lines.forEach(function (line, i) {
      node.appendChild(svgEl("tspan", { x: r1(x), dy: i ? r1(wrapped.size * lineHeight) : 0 }, line));
    });
    parent.appendChild(node);
    return node;
  }

  function activationName(name) {
    var names = { relu: "ReLU", softmax: "softmax", sigmoid: "sigmoid", tanh: "tanh" };
    return names[String(name).toLowerCase()] || String(name);
  }

  function drawingWords(trackId, how) {
    var young = trackId !== "ages-13-plus";
    var sizes = how.network.sizes;
    var hidden = sizes[1];
    var act = activationName(how.network.activations[0]);
    return {
      young: young,
      title: young ? "A picture of my network" : "Diagram of the recogniser network",
      inputs: young ? "Your words" : "Input words",
      hidden: young ? "Helpers" : "Hidden layer",
      outputs: young ? "My guesses" : "Outputs (" + activationName(how.network.activations[1]) + ")",
      other: "Not about networks",
      active: young ? how.active_hidden + " of " + hidden + " helpers switched on"
        : how.active_hidden + " of " + hidden + " hidden " + act + " units active",
      threshold: young ? "Dashed line: " + percent(how.threshold) + ". Below it I say \u201cnot sure\u201d."
        : "Dashed line: the " + percent(how.threshold) + " threshold; below it the tutor says it is not sure.",
      noWords: young ? "No word stood out" : "No word pushed clearly",
      none: young ? "I was not sure, so I chose none." : "Not sure: no output was chosen."
    };
  }

  // The four output nodes: the top three topics, then "not about networks"; which one the reply chose.
  function drawingOutputs(how, reply, words) {
    var outs = how.top.map(function (t) { return { id: t.topic, title: t.title, confidence: t.confidence }; });
    outs.push({ id: "other", title: words.other, confidence: how.other });
    var chosenId = reply.topic ? reply.topic : (reply.status === "off-topic" ? "other" : null);
    outs.forEach(function (o) { o.chosen = o.id === chosenId; });
    return outs;
  }

  function drawingDescription(how, reply, words, outs) {
    var sizes = how.network.sizes;
    var parts = [];
    var listed = how.words.map(function (w) { return "\u201c" + w.text + "\u201d"; });
    if (words.young) {
      parts.push("On the left, the words that pointed most to \u201c" + how.topic_title + "\u201d, strongest first: " +
        (listed.length ? listed.join(", ") : "none") + ". Thicker lines mean a word mattered more.");
      parts.push("In the middle, my " + sizes[1] + " helpers: " + how.active_hidden + " of them switched on.");
      parts.push("On the right, how sure I was: " + outs.map(function (o) {
        return o.title + " " + percent(o.confidence) + (o.chosen ? " (my choice)" : "");
      }).join(", ") + ".");
      if (!outs.some(function (o) { return o.chosen; })) { parts.push("I was not sure, so I chose none."); }
      parts.push("The dashed line marks " + percent(how.threshold) + ": below it I say I am not sure.");
    } else {
      parts.push("A network of " + sizes[0] + " inputs, " + sizes[1] + " hidden " +
        activationName(how.network.activations[0]) + " units and " + sizes[sizes.length - 1] + " " +
        activationName(how.network.activations[1]) + " outputs.");
      parts.push("Input words that pushed toward \u201c" + how.topic_title + "\u201d, strongest first: " +
        (listed.length ? listed.join(", ") : "none") + "; line thickness shows how much each pushed.");
      parts.push("Hidden layer: " + how.active_hidden + " of " + sizes[1] + " units active.");
      parts.push("Outputs: " + outs.map(function (o) {
        return o.title + " " + percent(o.confidence) + (o.chosen ? " (chosen)" : "");
      }).join(", ") + ".");
      if (!outs.some(function (o) { return o.chosen; })) { parts.push("No output was sure enough, so none was chosen."); }
      parts.push("The dashed line marks the " + percent(how.threshold) + " threshold: below it the tutor says it is not sure.");
    }
    return parts.join(" ");
  }

  function curve(x1, y1, x2, y2) {
    var mx = (x1 + x2) / 2;
    return "M" + r1(x1) + " " + r1(y1) + " C" + r1(mx) + " " + r1(y1) + " " + r1(mx) + " " + r1(y2) + " " + r1(x2) + " " + r1(y2);
  }

  function curveDown(x1, y1, x2, y2) {
    var my = (y1 + y2) / 2;
    return "M" + r1(x1) + " " + r1(y1) + " C" + r1(x1) + " " + r1(my) + " " + r1(x2) + " " + r1(my) + " " + r1(x2) + " " + r1(y2);
  }

  // Wide panels: three columns, words | hidden units | outputs, edges between them. Narrow panels (a phone with bigger
  // text or the 5-8 track: fewer than 19 letters across) would squeeze the topic names, so the words go in a row on
  // top with their edges coming down into the hidden units, and the outputs get the width the word column had.
  function drawNetwork(how, reply, trackId, width, f, family, idBase) {
    var words = drawingWords(trackId, how);
    var outs = drawingOutputs(how, reply, words);
    var W = Math.max(Math.round(width), Math.round(12 * f));
    var narrow = W < 19 * f;
    var lh = 1.2;
    var headSize = f * 0.85;
    var pillPad = f * 0.45;
    var pillH = f * 1.6;
    var nWords = how.words.length;

    var gapE = Math.max(18, Math.min(60, W * 0.07));
    var wordMax = 0;
    how.words.forEach(function (w) { wordMax = Math.max(wordMax, textWidth(w.text, f, family, false) + 2 * pillPad); });
    var wordsW = narrow ? 0 : Math.max(W * 0.2, Math.min(W * 0.27, wordMax || W * 0.2));
    var hidW = Math.max(44, Math.min(150, W * 0.17));
    var hidX = narrow ? 0 : wordsW + gapE;
    var outX = hidX + hidW + gapE;
    var outW = W - outX;

    var heads = [];
    var pills = [];
    var top;
    if (narrow) {
      // Row of word pills (wrapping onto more rows), then a band for their edges, then hidden units | outputs.
      var inHead = wrap(words.inputs, W, headSize, family, true);
      heads.push({ w: inHead, x: 0, y: inHead.size, anchor: "start" });
      var py = inHead.lines.length * inHead.size * lh + f * 0.3;
      var px = 0;
      how.words.forEach(function (w) {
        var label = wrap(w.text, W - 2 * pillPad, f, family, false);
        label.lines = label.lines.slice(0, 1);
        var pw = Math.min(W, textWidth(label.lines[0], label.size, family, false) + 2 * pillPad);
        if (px > 0 && px + pw > W) { px = 0; py += pillH + f * 0.4; }
        pills.push({ word: w, label: label, x: px, y: py, w: pw });
        px += pw + f * 0.5;
      });
      var pillsBottom = nWords ? py + pillH : py + f * 1.2;
      var outHead = wrap(words.outputs, outW, headSize, family, true);
      top = pillsBottom + f * 2.2;
      heads.push({ w: outHead, x: outX, y: top + outHead.size, anchor: "start" });
      var outTop = top + outHead.lines.length * outHead.size * lh + f * 0.5;
    } else {
      heads.push({ w: wrap(words.inputs, wordsW, headSize, family, true), x: 0, anchor: "start" });
      heads.push({ w: wrap(words.hidden, hidW + 2 * gapE - 4, headSize, family, true), x: hidX + hidW / 2, anchor: "middle" });
      heads.push({ w: wrap(words.outputs, outW, headSize, family, true), x: outX, anchor: "start" });
      var headH = 0;
      heads.forEach(function (h) { h.y = h.w.size; headH = Math.max(headH, h.w.lines.length * h.w.size * lh); });
      top = headH + f * 0.6;
      outTop = top;
    }

    // Outputs: a node circle, the label (wrapped), then the bar and its percentage.
    var nodeR = f * 0.4;
    var labelX = outX + 2 * nodeR + f * 0.4;
    var labelSize = f * (W - labelX < 14 * f ? 0.9 : 1);
    var pctSize = f * 0.9;
    var pctW = textWidth("100%", pctSize, family, true) + f * 0.3;
    var pctX = W - f * 0.35;
    var barW = Math.max(20, pctX - labelX - pctW);
    var barH = f * 0.8;
    var y = outTop;
    outs.forEach(function (o, i) {
      if (i === outs.length - 1) { y += f * 0.4; }
      // The chosen topic's name is bold unless bold would have to shrink it (then the box and filled node mark it).
      o.label = wrap(o.title, W - labelX - f * 0.4, labelSize, family, o.chosen);
      o.bold = o.chosen && o.label.size >= labelSize;
      if (o.chosen && !o.bold) { o.label = wrap(o.title, W - labelX - f * 0.4, labelSize, family, false); }
      o.top = y;
      o.labelY = y + o.label.size;
      y += o.label.lines.length * o.label.size * lh + f * 0.2;
      o.barY = y;
      y += barH + f * 0.3;
      o.bottom = y;
      o.cy = o.barY + barH / 2;
      y += f * 0.45;
    });
    var outsBottom = y;

    // Words (wide layout): pills in their column, centred on the content's height.
    var wordsH = nWords * pillH + Math.max(0, nWords - 1) * f * 0.5;
    var contentH = Math.max(outsBottom - top, narrow ? 0 : wordsH, f * 6);
    if (!narrow) {
      var wy = top + (contentH - wordsH) / 2;
      how.words.forEach(function (w) {
        var label = wrap(w.text, wordsW - 2 * pillPad, f, family, false);
        label.lines = label.lines.slice(0, 1);
        pills.push({ word: w, label: label, x: 0, y: wy, w: wordsW });
        wy += pillH + f * 0.5;
      });
    }

    // Hidden units: the grid shape that gives the biggest circles in the column.
    var M = Math.max(1, how.network.sizes[1]);
    var best = { cols: 1, s: 0 };
    for (var cols = 1; cols <= M; cols += 1) {
      var side = Math.min(hidW / cols, contentH / Math.ceil(M / cols));
      if (side > best.s) { best = { cols: cols, s: side }; }
    }
    var s = Math.min(best.s, f * 1.4);
    var rows = Math.ceil(M / best.cols);
    var gridW = best.cols * s;
    var gridH = rows * s;
    var gridX = hidX + (hidW - gridW) / 2;
    var gridY = top + (contentH - gridH) / 2;

    // Footer: the active-units caption under the hidden column, the threshold legend under the outputs. Side by
    // side when the caption fits on one line between the columns; otherwise the caption gets the width around the
    // hidden column (all of it when narrow) and the legend goes below it.
    var footY = top + contentH + f * 0.6;
    var cx = hidX + hidW / 2;
    var capSize = f * 0.85;
    var caption = wrap(words.active, 2 * Math.min(cx, outX - cx) - 4, capSize, family, true);
    var sideBySide = !narrow && caption.lines.length === 1;
    var capX = cx;
    var capAnchor = "middle";
    if (narrow) {
      caption = wrap(words.active, W - 2, capSize, family, true);
      capX = 0;
      capAnchor = "start";
    } else if (!sideBySide) {
      caption = wrap(words.active, 2 * Math.min(cx, W - cx) - 4, capSize, family, true);
    }
    var captionH = caption.lines.length * caption.size * lh;
    var legendY = sideBySide ? footY : footY + captionH + f * 0.5;
    var sampleX = sideBySide || (!narrow && W - outX >= 12 * f) ? outX + f * 0.6 : f * 0.6;
    var legendX = sampleX + f * 0.9;
    var noneChosen = !outs.some(function (o) { return o.chosen; });
    var legend = wrap((noneChosen ? words.none + " " : "") + words.threshold, W - legendX - 2, f * 0.8, family, false);
    var legendH = legend.lines.length * legend.size * lh;
    var H = Math.ceil(Math.max(footY + captionH, legendY + legendH) + f * 0.3);

    var titleId = idBase + "-title";
    var descId = idBase + "-desc";
    var svg = svgEl("svg", {
      "class": "how-drawing" + (narrow ? " narrow" : ""), role: "img", viewBox: "0 0 " + W + " " + H, width: "100%",
      "aria-labelledby": titleId + " " + descId, "font-size": r1(f), "data-width": W
    });
    svg.appendChild(svgEl("title", { id: titleId }, words.title));
    svg.appendChild(svgEl("desc", { id: descId }, drawingDescription(how, reply, words, outs)));

    heads.forEach(function (h) { textBlock(svg, h.w, h.x, h.y, h.anchor, "how-draw-head", lh); });

    var edges = svgEl("g", { "class": "how-edges" });
    svg.appendChild(edges);

    // Input words, each with an edge into the hidden units as thick as its score.
    var maxScore = nWords ? Math.max.apply(null, how.words.map(function (w) { return w.score; })) || 1 : 1;
    pills.forEach(function (p, i) {
      var g = svgEl("g", { "class": "how-in", "data-word": p.word.text });
      g.appendChild(svgEl("rect", { x: r1(p.x), y: r1(p.y), width: r1(p.w), height: r1(pillH), rx: r1(pillH / 2),
        "class": "how-in-node" }));
      textBlock(g, p.label, p.x + p.w / 2, p.y + pillH / 2 + p.label.size * 0.35, "middle", "how-in-label", lh);
      svg.appendChild(g);
      var thick = r1(1 + 7 * Math.max(0, p.word.score) / maxScore);
      var d = narrow ? curveDown(p.x + p.w / 2, p.y + pillH, gridX + gridW * (i + 0.5) / nWords, gridY - 3)
        : curve(wordsW, p.y + pillH / 2, gridX - 3, gridY + gridH * (i + 0.5) / nWords);
      edges.appendChild(svgEl("path", { d: d, "class": "how-edge how-edge-in", "stroke-width": thick }));
    });
    if (!nWords) {
      var note = wrap(words.noWords, narrow ? W : wordsW, f * 0.85, family, false);
      textBlock(svg, note, 0, narrow ? top - f * 1.6 : top + contentH / 2, "start", "how-draw-note", lh);
    }

    // Hidden units: the first `active_hidden` circles lit (the count, not which units).
    var units = svgEl("g", { "class": "how-hidden", "data-active": how.active_hidden, "data-total": M });
    for (var u = 0; u < M; u += 1) {
      var cx = gridX + (u % best.cols + 0.5) * s;
      var cyu = gridY + (Math.floor(u / best.cols) + 0.5) * s;
      units.appendChild(svgEl("circle", { cx: r1(cx), cy: r1(cyu), r: r1(s * 0.36),
        "class": u < how.active_hidden ? "how-unit on" : "how-unit" }));
    }
    svg.appendChild(units);
    textBlock(svg, caption, capX, footY + caption.size, capAnchor, "how-draw-caption", lh);

    // Outputs.
    outs.forEach(function (o, j) {
      var g = svgEl("g", { "class": "how-out" + (o.chosen ? " chosen" : ""), "data-topic": o.id });
      if (o.chosen) {
        g.appendChild(svgEl("rect", { x: r1(outX - f * 0.2), y: r1(o.top - f * 0.3), width: r1(W - outX + f * 0.2 - 1),
          height: r1(o.bottom - o.top + f * 0.3), rx: r1(f * 0.4), "class": "how-out-chosen" }));
      }
      g.appendChild(svgEl("circle", { cx: r1(outX + nodeR), cy: r1(o.cy), r: r1(nodeR), "class": "how-out-node" }));
      textBlock(g, o.label, labelX, o.labelY, "start", "how-out-label" + (o.bold ? " strong" : ""), lh);
      g.appendChild(svgEl("rect", { x: r1(labelX), y: r1(o.barY), width: r1(barW), height: r1(barH), rx: r1(barH / 2),
        "class": "how-bar" }));
      g.appendChild(svgEl("rect", { x: r1(labelX), y: r1(o.barY), width: r1(Math.max(0, Math.min(1, o.confidence)) * barW),
        height: r1(barH), rx: r1(barH / 2), "class": "how-bar-fill" }));
      if (o.id !== "other") {
        var tx = labelX + Math.max(0, Math.min(1, how.threshold)) * barW;
        var tick = { x1: r1(tx), x2: r1(tx), y1: r1(o.barY - f * 0.25), y2: r1(o.barY + barH + f * 0.25) };
        g.appendChild(svgEl("line", Object.assign({ "class": "how-threshold-halo" }, tick)));
        g.appendChild(svgEl("line", Object.assign({ "class": "how-threshold" }, tick)));
      }
      g.appendChild(svgEl("text", { x: r1(pctX), y: r1(o.barY + barH / 2 + pctSize * 0.35), "text-anchor": "end",
        "font-size": r1(pctSize), "class": "how-out-pct" }, percent(o.confidence)));
      svg.appendChild(g);
      var fy = gridY + gridH * (j + 0.5) / outs.length;
      edges.appendChild(svgEl("path", {
        d: curve(gridX + gridW + 3, fy, outX, o.cy), "class": "how-edge how-edge-out" + (o.chosen ? " chosen" : ""),
        "stroke-width": r1(1 + 7 * Math.max(0, Math.min(1, o.confidence)))
      }));
    });

    // Legend for the threshold: a dashed sample, then the words.
    var ly = legendY + legend.size * 0.5;
    var sample = { x1: r1(sampleX), x2: r1(sampleX), y1: r1(ly - f * 0.5), y2: r1(ly + f * 0.5) };
    svg.appendChild(svgEl("line", Object.assign({ "class": "how-threshold-halo" }, sample)));
    svg.appendChild(svgEl("line", Object.assign({ "class": "how-threshold" }, sample)));
    textBlock(svg, legend, legendX, legendY + legend.size, "start", "how-draw-legend", lh);
    return svg;
  }

  function renderDrawing(item) {
    var width = item.panel.clientWidth;
    if (!width) { return; }
    var style = window.getComputedStyle(item.box);
    var f = parseFloat(style.fontSize) || 16;
    var key = Math.round(width) + "/" + f;
    if (item.key === key) { return; }
    item.key = key;
    item.box.textContent = "";
    item.box.appendChild(drawNetwork(item.how, item.reply, track, width, f, style.fontFamily, item.id));
  }

  function renderAllDrawings() { drawings.forEach(renderDrawing); }

  // Letter groups as a child reads them: the recogniser marks a word's start "[ba" and its end "ron]"; they are
  // shown as "ba…" and "…ron", and a group listed twice (as a whole word and as letters) once.
  function pieceTexts(pieces) {
    var seen = {};
    return pieces.map(function (p) {
      var text = String(p.text);
      if (/^\[/.test(text)) { text = text.slice(1) + "\u2026"; }
      if (/\]$/.test(text)) { text = "\u2026" + text.slice(0, -1); }
      return text.replace(/[\[\]]/g, "");
    }).filter(function (text) {
      if (!text || seen[text]) { return false; }
      seen[text] = true;
      return true;
    });
  }

  function howPanel(how, id, reply) {
    var details = el("details", { "class": "how", id: id });
    details.appendChild(el("summary", {}, "How did you understand me?"));
    var body = el("div", { "class": "how-body" });

    body.appendChild(el("h3", {}, "My network"));
    var picture = el("div", { "class": "how-picture" });
    body.appendChild(picture);
    var item = { panel: details, box: picture, how: how, reply: reply, id: id + "-drawing", key: null };
    drawings.push(item);
    details.addEventListener("toggle", function () { if (details.open) { renderDrawing(item); } });
    var net = el("ol", { "class": "how-network", "aria-label": "The layers of my network" });
    var sizes = how.network.sizes;
    var gentle = track === "ages-5-8";  // the helpers' words of the drawing above, no "relu" or "softmax"
    net.appendChild(el("li", {}, sizes[0] + " inputs: counts of the letter groups and words in your question"));
    net.appendChild(el("li", {}, gentle ? sizes[1] + " helpers, " + how.active_hidden + " of them switched on"
      : sizes[1] + " hidden neurons (" + how.network.activations[0] + "), " + how.active_hidden + " of them switched on"));
    net.appendChild(el("li", {}, gentle ? sizes[sizes.length - 1] + " guesses: one for each topic, and one for " +
      "\u201csomething else\u201d" : sizes[sizes.length - 1] + " outputs (" + how.network.activations[1] +
      "): one for each topic, and one for \u201csomething else\u201d"));
    body.appendChild(net);

    // Say how a misspelt or slangy question was read ("wats a wieght" -> "what is a weight"), not a tidy one.
    var plain = String(reply.asked || "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
    if (how.read_as && how.read_as.replace(/[^a-z0-9]+/g, " ").trim() !== plain) {
      body.appendChild(el("p", { "class": "how-read-as" }, "I read your question as: \u201c" + how.read_as + "\u201d"));
    }

    body.appendChild(el("h3", {}, "Words that pointed to \u201c" + how.topic_title + "\u201d"));
    if (how.words.length) {
      var maxScore = how.words[0].score || 1;
      var words = el("ul", { "class": "how-words" });
      how.words.forEach(function (w) {
        var li = el("li");
        var label = w.read_as && w.read_as !== w.text ? w.text + " (I read \u201c" + w.read_as + "\u201d)" : w.text;
        li.appendChild(bar(w.score / maxScore, label));
        words.appendChild(li);
      });
      body.appendChild(words);
      if (how.pieces.length) {
        body.appendChild(el("p", { "class": "muted" }, "Letter groups that counted most: " +
          pieceTexts(how.pieces).map(function (t) { return "\u201c" + t + "\u201d"; }).join(", ")));
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
    var bubble = el("div", { "class": "bubble tutor" + (data.topic || data.status === "small-talk" ? "" : " unsure") });
    if (data.title) { bubble.appendChild(el("p", { "class": "bubble-title", id: id + "-title" }, data.title)); }
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
        links.appendChild(el("a", { href: example.page, "class": "button secondary" }, label));
      });
      bubble.appendChild(links);
    }
    if (data.lesson_url) {
      var lesson = el("p", {});
      lesson.appendChild(el("a", { href: data.lesson_url + "?track=" + encodeURIComponent(track) }, "Open the whole lesson"));
      bubble.appendChild(lesson);
    }

    var tools = el("div", { "class": "bubble-tools" });
    tools.appendChild(speakButton(id + "-title " + id + "-text"));  // the title, then the answer
    bubble.appendChild(tools);
    if (data.how) { bubble.appendChild(howPanel(data.how, id + "-how", data)); }
    log.appendChild(bubble);
    if (data.how) { renderDrawing(drawings[drawings.length - 1]); }
    scrollToEnd(bubble);
    return id;
  }

  // A suggested question as its chip shows it, the way the page's first chips are worded (question_label in
  // tutor/views/chat.py): "can ai be unfair" is "Can AI be unfair?", so read-aloud asks it as a question.
  function questionLabel(question) {
    var text = String(question).trim().replace(/\b(ai|i)\b/g, function (word) { return word.toUpperCase(); });
    text = text.charAt(0).toUpperCase() + text.slice(1);
    return /[?!.]$/.test(text) ? text : text + "?";
  }

  function setChips(questions, howId) {
    chips.textContent = "";
    questions.map(questionLabel).forEach(function (q) {
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
      data.asked = text;
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

    // Redraw the network pictures when the window or the reading preferences (bigger text) change.
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) { window.cancelAnimationFrame(pending); }
      pending = window.requestAnimationFrame(function () { pending = null; renderAllDrawings(); });
    });
    if (window.MutationObserver) {
      new MutationObserver(renderAllDrawings).observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    }

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
