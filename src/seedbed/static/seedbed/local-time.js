// Progressive enhancement: after each <time datetime="…" data-local>, show the same moment in the
// reader's own time zone (the page already shows it in the call's zone and in UTC).
(function () {
  "use strict";
  function enhance(root) {
    var lang = document.documentElement.lang || undefined;
    var format;
    try {
      format = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "long" });
    } catch (error) {
      return;
    }
    root.querySelectorAll("time[data-local]:not([data-local-done])").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) {
        return;
      }
      var local = document.createElement("span");
      local.className = "sb-local-time";
      local.textContent = " · " + format.format(moment) + " (" + (element.dataset.localLabel || "") + ")";
      element.setAttribute("data-local-done", "");
      element.insertAdjacentElement("afterend", local);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
