/* crisiskit: a Web Worker stand-in for pages opened from disk (file:), where Chromium refuses to start workers,
   so the internal site's search works in the offline bundle spokespeople carry. The idea is squidfunk's
   iframe-worker (MIT), which Material's offline plugin would load from unpkg.com; this one is written without
   inline script, so the page's Content-Security-Policy (script-src 'self') allows it, and loads nothing from
   elsewhere. The worker script runs in a hidden iframe of the same page; messages are structured clones, as a
   worker's are. Material's search worker awaits importScripts, so loading its scripts one after the other
   (asynchronously) is enough. Named *iframe-worker* so the offline plugin adds no shim of its own. */
(function () {
  "use strict";
  if (window.location.protocol !== "file:") return;

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      var self = this;
      var frame = document.createElement("iframe");
      frame.hidden = true;
      frame.setAttribute("aria-hidden", "true");
      document.body.appendChild(frame);
      this.frame = frame;
      var win = frame.contentWindow;
      win.document.open();
      win.document.write("<!doctype html><html><head></head><body></body></html>");
      win.document.close();
      win.postMessage = function (data) {
        var copy = structuredClone(data);
        setTimeout(function () { self.deliver(copy); }, 0);
      };
      win.importScripts = function () {
        var urls = Array.prototype.slice.call(arguments);
        return urls.reduce(function (done, src) {
          return done.then(function () { return load(win, src); });
        }, Promise.resolve());
      };
      this.ready = load(win, String(url)).catch(function (error) {
        var event = new ErrorEvent("error", { message: String(error), filename: String(url) });
        self.dispatchEvent(event);
        if (self.onerror) self.onerror(event);
        throw error;
      });
    }

    deliver(data) {
      var event = new MessageEvent("message", { data: data });
      this.dispatchEvent(event);
      if (this.onmessage) this.onmessage(event);
    }

    postMessage(data) {
      var frame = this.frame;
      var copy = structuredClone(data);
      this.ready.then(function () {
        var win = frame.contentWindow;
        if (win) win.dispatchEvent(new win.MessageEvent("message", { data: copy }));
      }, function () {});
    }

    terminate() {
      this.frame.remove();
    }
  }

  function load(win, src) {
    return new Promise(function (resolve, reject) {
      var script = win.document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      win.document.body.appendChild(script);
    });
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
