// Material for MkDocs 9.8.2, partials/javascripts/base.html, as a file: the Content-Security-Policy in
// overrides/main.html runs only the site's own script files, never inline script. The scope comes from
// the script element's data-md-scope (config.extra.scope, else base_url), as the theme's template wrote it.
__md_scope=new URL(document.currentScript.dataset.mdScope,location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
