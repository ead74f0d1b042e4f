// Material for MkDocs 9.8.2, partials/javascripts/content.html, as a file: the Content-Security-Policy in
// overrides/main.html runs only the site's own script files, never inline script.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
