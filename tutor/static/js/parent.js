// Parent pages: a live character count under the milestone notes (the server checks the limit too).
(function () {
  "use strict";
  function describe(area, out) {
    var max = parseInt(area.getAttribute("maxlength"), 10) || 500;
    var left = max - area.value.length;
    out.textContent = left === max ? "Up to " + max + " characters." : left + " characters left.";
  }
  document.querySelectorAll("textarea[data-count]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-count"));
    if (!out) return;
    area.addEventListener("input", function () { describe(area, out); });
    describe(area, out);
  });
})();
