/* The class dashboard's mastery grid: sort by a column with buttons (aria-sort tells screen readers the order).
   Without JavaScript the column headings are links that sort on the server (?sort=). */
(function () {
  "use strict";

  function value(row, key, index) {
    if (key === "name") return row.dataset.name;
    if (key === "total") return Number(row.dataset.total);
    var cell = row.children[index];
    return Number(cell.dataset.rank);
  }

  function sortTable(table, th, direction) {
    var heads = Array.prototype.slice.call(th.parentNode.children);
    var index = heads.indexOf(th);
    var key = th.dataset.sortKey;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, key, index), y = value(b, key, index);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (order === 0) order = a.dataset.name < b.dataset.name ? -1 : a.dataset.name > b.dataset.name ? 1 : 0;
      else if (direction === "descending") order = -order;
      return order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (h) { if (h !== th) h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction);
    var status = document.querySelector("[data-sort-status]");
    if (status) status.textContent = "Sorted by " + th.textContent.trim() + ", " + direction + ".";
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("th[data-sort-key]").forEach(function (th) {
      var link = th.querySelector("a.sort-link");
      if (!link) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = link.textContent;
      link.replaceWith(button);
      button.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        var first = th.dataset.sortKey === "name" ? "ascending" : "descending";
        var next = now ? (now === "ascending" ? "descending" : "ascending") : first;
        sortTable(table, th, next);
      });
    });
  });
})();

/* A chart's frame ([data-scroll-frame]) is a Tab stop only while the chart is wider than it, so that keyboard users
   can scroll it on a phone and meet no dead stop on a laptop, where the chart fits. It is looked at again whenever
   the frame or the chart changes size (a turned phone, a resized window, bigger text, the image loading). The same
   rule as app.js keeps for tables (.table-wrap): tabindex -1 rather than none where nothing scrolls, because
   Chromium makes an overflow box a Tab stop of its own when its content is a fraction of a pixel wider than it; and
   never while the frame has the focus. Without JavaScript a frame stays as the page sends it: a Tab stop where its
   chart can be wider than it (one without a drawing for a phone's width). */
(function () {
  "use strict";

  function update(frame) {
    var scrolls = frame.scrollWidth > frame.clientWidth + 1 || frame.scrollHeight > frame.clientHeight + 1;
    if (scrolls) {
      frame.setAttribute("tabindex", "0");
    } else if (document.activeElement !== frame) {
      frame.setAttribute("tabindex", "-1");
    }
  }

  var frames = document.querySelectorAll("[data-scroll-frame]");
  if (!frames.length || !("ResizeObserver" in window)) return;
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target.closest("[data-scroll-frame]")); });
  });
  frames.forEach(function (frame) {
    observer.observe(frame);
    if (frame.firstElementChild) observer.observe(frame.firstElementChild);  // the <img> or <picture>
  });
})();
