// Material for MkDocs 9.8.2, partials/javascripts/announce.html, as a file: the Content-Security-Policy in
// overrides/main.html runs only the site's own script files, never inline script.
var el=document.querySelector("[data-md-component=announce]");if(el){var content=el.querySelector(".md-typeset");__md_hash(content.innerHTML)===__md_get("__announce")&&(el.hidden=!0)}
