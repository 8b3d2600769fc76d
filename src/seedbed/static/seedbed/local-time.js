// Progressive enhancement: each <time datetime="…" data-local> shows a moment in the call's zone and is
// followed by the same moment in UTC (.sb-utc). With JavaScript, the UTC text becomes the reader's own
// time zone instead, so a deadline reads "in the call's zone · in yours", never three ways at once.
(function () {
  "use strict";
  function enhance(root) {
    // The reader's own variant of the page's language ("en-GB" rather than "en", which formats as in
    // the US), falling back to the page's language.
    var lang = document.documentElement.lang || undefined;
    var preferred = (navigator.languages || []).filter(function (tag) {
      return lang && tag.toLowerCase().split("-")[0] === lang.toLowerCase().split("-")[0];
    });
    var format;
    try {
      format = new Intl.DateTimeFormat(preferred[0] || lang, { dateStyle: "long", timeStyle: "short", hourCycle: "h23" });
    } catch (error) {
      return;
    }
    root.querySelectorAll("time[data-local]:not([data-local-done])").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) {
        return;
      }
      var local = element.nextElementSibling;
      if (!local || !local.classList.contains("sb-utc")) {
        local = document.createElement("span");
        element.insertAdjacentElement("afterend", local);
      }
      local.className = "sb-local-time text-body-secondary";
      local.textContent = "· " + format.format(moment) + " (" + (element.dataset.localLabel || "") + ")";
      element.setAttribute("data-local-done", "");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
