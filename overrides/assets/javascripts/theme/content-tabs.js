// Material for MkDocs 9.8.2, partials/javascripts/content.html, as a file: the Content-Security-Policy in
// overrides/main.html runs only the site's own script files, never inline script. Loaded only with the
// content.tabs.link feature, as in the theme.
var tabs=__md_get("__tabs");if(Array.isArray(tabs))e:for(var set of document.querySelectorAll(".tabbed-set")){var labels=set.querySelector(".tabbed-labels");for(var tab of tabs)for(var label of labels.getElementsByTagName("label"))if(label.innerText.trim()===tab){var input=document.getElementById(label.htmlFor);input.checked=!0;continue e}}
