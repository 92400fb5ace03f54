// Large-text mode (UX.md): toggled by a button, remembered per device in localStorage.
(function () {
  "use strict";
  var KEY = "liaison.largeText";
  var root = document.documentElement;
  function apply(on) {
    root.classList.toggle("large-text", on);
    var button = document.getElementById("large-text-toggle");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { stored = false; }
  apply(stored);
  document.addEventListener("DOMContentLoaded", function () {
    apply(root.classList.contains("large-text"));
    var button = document.getElementById("large-text-toggle");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var on = !root.classList.contains("large-text");
      apply(on);
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: not remembered */ }
    });
  });
})();
