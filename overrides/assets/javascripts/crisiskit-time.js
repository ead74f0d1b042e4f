/* crisiskit: every <time data-ck-time> in the reader's own time zone, with relative time ("in 2 hours").
   The page is complete without it: the server wrote each time in the site's time zone with its UTC offset,
   which stays as the element's title. No dependencies; Intl only; re-run every minute. */
(function () {
  "use strict";
  var lang = document.documentElement.getAttribute("lang") || undefined;
  var STEPS = [["minute", 60], ["hour", 3600], ["day", 86400]];

  function relative(seconds, format) {
    var size = Math.abs(seconds);
    var unit = size < 3600 ? STEPS[0] : size < 172800 ? STEPS[1] : STEPS[2];
    return format.format(Math.round(seconds / unit[1]), unit[0]);
  }

  function show() {
    var absolute, rel;
    try {
      absolute = new Intl.DateTimeFormat(lang, {
        year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short"
      });
      rel = typeof Intl.RelativeTimeFormat === "function" ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
    } catch (error) {
      return; // an old browser: the server's text stays
    }
    var now = Date.now();
    var nodes = document.querySelectorAll("time[data-ck-time]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      if (!node.hasAttribute("title")) node.setAttribute("title", node.textContent);
      var local = node.querySelector(".ck-local") || document.createElement("span");
      local.className = "ck-local";
      local.textContent = absolute.format(when);
      var ago = node.querySelector(".ck-relative") || document.createElement("span");
      ago.className = "ck-relative";
      ago.textContent = rel ? " (" + relative((when.getTime() - now) / 1000, rel) + ")" : "";
      if (!local.parentNode) {
        node.textContent = "";
        node.appendChild(local);
        node.appendChild(ago);
      }
      node.classList.add("ck-localised");
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
  window.setInterval(show, 60000);
})();
