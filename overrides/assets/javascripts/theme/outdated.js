// Material for MkDocs 9.8.2, partials/javascripts/outdated.html, as a file: the Content-Security-Policy in
// overrides/main.html runs only the site's own script files, never inline script. The base comes from the
// script element's data-md-base (base_url).
var el=document.querySelector("[data-md-component=outdated]"),base=new URL(document.currentScript.dataset.mdBase),outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)
