// The hall's calling display: an optional spoken call through the browser's own speech synthesis (no network),
// off until someone at the screen turns it on (browsers speak only after a tap); the choice is kept on this
// screen. The button carries its two labels (data-on-text, data-off-text) in the page's language.
(function () {
  "use strict";
  var on = window.localStorage && localStorage.getItem("servicehall.speak") === "1";
  var toggle = document.getElementById("speak-toggle");
  if (!toggle) return;
  var texts = {on: toggle.getAttribute("data-on-text"), off: toggle.getAttribute("data-off-text")};
  function show() {
    toggle.textContent = on ? texts.on : texts.off;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
  }
  if (!window.speechSynthesis) { toggle.hidden = true; on = false; }
  show();
  toggle.addEventListener("click", function () {
    on = !on;
    if (window.localStorage) localStorage.setItem("servicehall.speak", on ? "1" : "0");
    show();
  });
  var full = document.getElementById("fullscreen");
  if (full) {
    full.addEventListener("click", function () {
      if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
    });
  }
  var first = document.querySelector("#display [data-call]");
  window.__lastCall = first ? first.getAttribute("data-call") : null;
  document.body.addEventListener("htmx:afterSwap", function () {
    var call = document.querySelector("#display [data-call]");
    if (!call) return;
    var key = call.getAttribute("data-call");
    if (window.__lastCall === key) return;
    window.__lastCall = key;
    window.__spoken = (window.__spoken || 0);
    if (!on || !window.speechSynthesis) return;
    var u = new SpeechSynthesisUtterance(call.getAttribute("data-say"));
    u.lang = "zh-CN";
    window.speechSynthesis.speak(u);
    window.__spoken += 1;
  });
})();
