/* crisiskit: the root page (/) opens the site in the reader's language (navigator.languages), when one matches.
   Without JavaScript, or with no match, the page's plain links stay. Opened from disk (file:), links
   go to each language's index.html rather than to a folder listing. No dependencies. */
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll("a[hreflang]"));
  var fromDisk = window.location.protocol === "file:";
  links.forEach(function (link) {
    if (fromDisk) link.setAttribute("href", link.getAttribute("href") + "index.html");
  });

  function candidates(tag) {
    var lower = tag.toLowerCase();
    var out = [lower];
    if (lower.indexOf("zh") === 0) {
      var simplified = /^zh-(hans|cn|sg|my)\b/.test(lower) || lower === "zh-hans";
      out.push(simplified ? "zh-hans" : "zh-hant", simplified ? "zh-hant" : "zh-hans");
    }
    out.push(lower.split("-")[0]);
    return out;
  }

  function pick() {
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var tries = candidates(String(wanted[i]));
      for (var j = 0; j < tries.length; j++) {
        for (var k = 0; k < links.length; k++) {
          var offered = links[k].getAttribute("hreflang").toLowerCase();
          if (offered === tries[j] || offered.split("-")[0] === tries[j]) return links[k];
        }
      }
    }
    return null;
  }

  var chosen = pick();
  if (chosen) window.location.replace(chosen.getAttribute("href"));
})();
