// Sign-in and family forms: picture passwords chosen in order, the PIN pad, PIN-or-pictures, age -> track, print.
// Every form also works without this file (each picture tap is then a round trip to the server).
(function () {
  "use strict";

  function setUpPicturePassword(box) {
    var needed = parseInt(box.getAttribute("data-needed"), 10) || 3;
    var hidden = box.querySelector("[data-chosen]");
    var status = box.querySelector("[data-status]");
    var tray = box.querySelector("[data-tray]");
    var buttons = Array.prototype.slice.call(box.querySelectorAll("[data-picture]"));
    var clear = box.querySelector("[data-clear]");
    var form = box.closest("form");
    var go = form ? form.querySelector("[data-go]") : null;
    var byId = {};
    buttons.forEach(function (b) { byId[b.getAttribute("data-picture")] = b; });
    var chosen = (hidden.value || "").split("-").filter(function (id) { return byId[id]; });

    function render(announce) {
      hidden.value = chosen.join("-");
      var full = chosen.length >= needed;
      var text = "Chosen: " + chosen.length + " of " + needed;
      if (announce) { text = announce + ". " + text; }
      if (full) { text += ". Now press " + (go ? go.textContent.trim() : "the button") + "."; }
      status.textContent = text;
      tray.innerHTML = "";
      for (var i = 0; i < needed; i++) {
        var li = document.createElement("li");
        if (i < chosen.length) {
          var b = byId[chosen[i]];
          var pic = document.createElement("span");
          pic.className = "pic";
          pic.setAttribute("aria-hidden", "true");
          pic.textContent = b.getAttribute("data-emoji");
          li.className = "filled";
          li.appendChild(pic);
          li.appendChild(document.createTextNode(b.getAttribute("data-word")));
        } else {
          var empty = document.createElement("span");
          empty.className = "visually-hidden";
          empty.textContent = "empty";
          li.appendChild(empty);
        }
        tray.appendChild(li);
      }
      buttons.forEach(function (b) { b.setAttribute("aria-disabled", full ? "true" : "false"); });
    }

    buttons.forEach(function (b) {
      b.type = "button"; // so Enter in a text field submits the form, not the first picture
      b.addEventListener("click", function () {
        if (chosen.length >= needed) { render("You already have " + needed + " pictures"); return; }
        chosen.push(b.getAttribute("data-picture"));
        render(b.getAttribute("data-word") + " chosen");
        if (chosen.length >= needed && go) { go.focus(); }
      });
    });
    if (clear) {
      clear.type = "button";
      clear.addEventListener("click", function () {
        chosen = [];
        render("Cleared");
        if (buttons[0]) { buttons[0].focus(); }
      });
    }
    render("");
  }

  function setUpPinPad(pad) {
    var input = document.getElementById(pad.getAttribute("data-pin-pad"));
    if (!input) { return; }
    pad.hidden = false;
    pad.addEventListener("click", function (event) {
      var button = event.target.closest("[data-digit]");
      if (!button) { return; }
      var digit = button.getAttribute("data-digit");
      if (digit === "back") { input.value = input.value.slice(0, -1); }
      else if (input.value.length < (parseInt(input.getAttribute("maxlength"), 10) || 6)) { input.value += digit; }
    });
  }

  function setUpSecretChoice(fieldset) {
    var form = fieldset.closest("form");
    var radios = fieldset.querySelectorAll("input[name=secret_kind]");
    function show() {
      var kind = (form.querySelector("input[name=secret_kind]:checked") || {}).value || "pin";
      form.querySelectorAll("[data-secret]").forEach(function (part) {
        part.hidden = part.getAttribute("data-secret") !== kind;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", show); });
    show();
  }

  function setUpAgeSuggestion(input) {
    var form = input.closest("form");
    var radios = Array.prototype.slice.call(form.querySelectorAll("input[name=track][data-up-to]"));
    var hint = form.querySelector("[data-track-hint]");
    var chosenByHand = radios.some(function (r) { return r.checked; });
    radios.forEach(function (r) { r.addEventListener("change", function () { chosenByHand = true; }); });
    input.addEventListener("input", function () {
      var age = parseInt(input.value, 10);
      if (isNaN(age)) { return; }
      var match = radios.filter(function (r) { return age <= parseInt(r.getAttribute("data-up-to"), 10); })[0];
      if (!match) { return; }
      var label = match.parentElement.textContent.trim();
      if (!chosenByHand) { match.checked = true; }
      if (hint) { hint.textContent = "For age " + age + " we suggest " + label + ". You can pick another."; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picture-password]").forEach(setUpPicturePassword);
    document.querySelectorAll("[data-pin-pad]").forEach(setUpPinPad);
    document.querySelectorAll("[data-secret-choice]").forEach(setUpSecretChoice);
    document.querySelectorAll("[data-age-input]").forEach(setUpAgeSuggestion);
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
