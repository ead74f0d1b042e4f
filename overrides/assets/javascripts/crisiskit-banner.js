/* crisiskit status banner for another website (the organisation's main site), with one tag:

     <script src="https://status.example.com/en/assets/javascripts/crisiskit-banner.js" data-lang="en" async></script>

   It reads <status site>/<data-lang>/api/v1/summary.json (data-lang defaults to the language folder the script
   is served from) and, only while an incident is open, puts a dismissible banner at the top of the page: each
   open incident's status and title, linking to its statement. Nothing else happens: with no open incident, an
   unreachable status site, a JSON file the browser may not read (a status site on another host must send
   "Access-Control-Allow-Origin" for api/v1/*.json) or a document it does not understand, the banner stays hidden
   and the host page gets no error. Kit text is untrusted: every text is set with textContent, never as HTML, and a
   link is kept only when it is an http(s) address. Styles live in a shadow root (or, without one, under the
   .crisiskit-banner prefix), so the host page's CSS and the banner's do not touch each other. A dismissed
   banner stays hidden for the browser session until an incident is updated. No dependencies, no cookies. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URL) return;
  var lang = script.getAttribute("data-lang") || "";
  var KEY = "crisiskit-banner-dismissed";
  var WORDS = { en: "Dismiss", "zh-Hant": "關閉", "zh-Hans": "关闭" };
  var CSS =
    ".crisiskit-banner{box-sizing:border-box;display:flex;align-items:flex-start;gap:.75em;margin:0;" +
    "padding:.6em 1em;background:#fff4e5;color:#3d2600;border-bottom:2px solid #b35c00;" +
    "font:15px/1.4 system-ui,-apple-system,'Segoe UI','PingFang TC','Microsoft JhengHei','Noto Sans CJK TC',sans-serif}" +
    ".crisiskit-banner-list{flex:1;margin:0;padding:0;list-style:none}" +
    ".crisiskit-banner-status{font-weight:700;margin-right:.5em}" +
    ".crisiskit-banner a{color:#5a2e00;text-decoration:underline}" +
    ".crisiskit-banner-close{flex:none;border:1px solid #b35c00;background:transparent;color:inherit;" +
    "font:inherit;line-height:1;padding:.2em .5em;cursor:pointer;border-radius:3px}" +
    ".crisiskit-banner-close:focus-visible,.crisiskit-banner a:focus-visible{outline:2px solid #1a4fd6;outline-offset:2px}";

  var source;
  try {
    source = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(lang)
      ? new URL("../../../" + lang + "/api/v1/summary.json", script.src)
      : new URL("../../api/v1/summary.json", script.src);
  } catch (e) {
    return;
  }

  function link(value) {
    try {
      var url = new URL(value, source);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function text(value) {
    return typeof value === "string" ? value : "";
  }

  function signature(incidents) {
    return incidents.map(function (one) { return text(one.id) + "@" + text(one.updated_at); }).join(" ");
  }

  function dismissed(mark) {
    try {
      return window.sessionStorage.getItem(KEY) === mark;
    } catch (e) {
      return false;
    }
  }

  function remember(mark) {
    try {
      window.sessionStorage.setItem(KEY, mark);
    } catch (e) {
      /* storage refused (private mode, sandbox): dismissing still hides it for this page */
    }
  }

  function banner(data, incidents) {
    var language = text(data.language) || lang || "en";
    var host = document.createElement("div");
    host.setAttribute("data-crisiskit-banner", "");
    var root = host;
    if (host.attachShadow) {
      root = host.attachShadow({ mode: "open" });
    }
    var sheet = null;
    if (root !== host && "adoptedStyleSheets" in root && window.CSSStyleSheet) {
      try {
        sheet = new CSSStyleSheet(); // not an inline <style>: a host page's style-src policy leaves it alone
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } catch (e) {
        sheet = null;
      }
    }
    if (!sheet) {
      var style = document.createElement("style");
      style.textContent = CSS;
      root.appendChild(style);
    }

    var box = document.createElement("div");
    box.className = "crisiskit-banner";
    box.setAttribute("role", "status");
    box.setAttribute("lang", language);
    var list = document.createElement("ul");
    list.className = "crisiskit-banner-list";
    incidents.forEach(function (one) {
      var item = document.createElement("li");
      var status = document.createElement("span");
      status.className = "crisiskit-banner-status";
      status.textContent = text(one.status_label) || text(one.status);
      item.appendChild(status);
      var target = link(text(one.url));
      var title = document.createElement(target ? "a" : "span");
      if (target) title.href = target;
      title.textContent = text(one.title);
      item.appendChild(title);
      list.appendChild(item);
    });
    box.appendChild(list);

    var close = document.createElement("button");
    close.type = "button";
    close.className = "crisiskit-banner-close";
    close.setAttribute("aria-label", WORDS[language] || WORDS.en);
    close.textContent = "\u00d7";
    close.addEventListener("click", function () {
      remember(signature(incidents));
      if (host.parentNode) host.parentNode.removeChild(host);
    });
    box.appendChild(close);
    root.appendChild(box);
    return host;
  }

  function show(data) {
    if (!data || data.api_version !== 1 || !Array.isArray(data.open_incidents)) return;
    var incidents = data.open_incidents.filter(function (one) {
      return one && typeof one === "object" && text(one.title) && text(one.status) !== "resolved";
    });
    if (!incidents.length || dismissed(signature(incidents))) return;
    var host = banner(data, incidents);
    var place = function () {
      document.body.insertBefore(host, document.body.firstChild);
    };
    if (document.body) place();
    else document.addEventListener("DOMContentLoaded", place);
  }

  fetch(source.href, { credentials: "omit", cache: "no-cache" })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(show)
    .catch(function () {
      /* unreachable, refused by CORS or not JSON: no banner, and nothing for the host page to handle */
    });
})();
