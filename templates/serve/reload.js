// smr serve's live reload. `smr serve` injects this script into the pages it serves (the
// files of the built site never name it). It hears serve's state: which build is served
// and the last rebuild's problems. Another build than this page's: load the page again;
// problems: show them over the page, as text (textContent), never parsed as HTML.
//
// The state comes from one shared worker (/__smr/worker.js) for all tabs of the preview, so
// that the browser keeps one event stream open, not one per tab: a browser opens at most six
// connections to a server, and six tabs each holding a stream would leave none for pages.
// Without shared workers each page opens its own stream.
(function () {
  "use strict";

  var script = document.currentScript;
  var build = (script && script.getAttribute("data-build")) || "";
  var overlay = null;
  window.smrServe = { build: build, state: null };   // for a look in the console, and for tests

  // "start-n": serve's run and its count of good builds. The page is stale when serve
  // restarted or built again since; a state older than the page (a worker behind) is not.
  function stale(served) {
    var mine = build.split("-");
    var now = served.split("-");
    return mine[0] !== now[0] || Number(now[1]) > Number(mine[1]);
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(problems) {
    hide();
    overlay = document.createElement("section");
    overlay.id = "smr-serve-problems";
    overlay.setAttribute("role", "alert");
    var style = overlay.style;   // CSSOM, which a page's style-src does not restrict
    style.position = "fixed";
    style.inset = "0 0 auto 0";
    style.zIndex = "2147483647";
    style.maxHeight = "80vh";
    style.overflow = "auto";
    style.margin = "0";
    style.padding = "1rem 1.25rem";
    style.background = "#7a0d0d";
    style.color = "#fff";
    style.font = "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
    style.boxShadow = "0 2px 12px rgba(0, 0, 0, .4)";

    var title = document.createElement("p");
    title.style.margin = "0 0 .5rem";
    title.style.fontWeight = "bold";
    title.textContent = "smr serve: the rebuild failed; this is the last good site. Fix and save:";
    overlay.appendChild(title);

    var list = document.createElement("ul");
    list.style.margin = "0";
    list.style.paddingLeft = "1.25rem";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.style.whiteSpace = "pre-wrap";
      item.textContent = problem;
      list.appendChild(item);
    });
    overlay.appendChild(list);

    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.marginTop = ".75rem";
    close.addEventListener("click", hide);
    overlay.appendChild(close);

    document.body.appendChild(overlay);
  }

  var reloading = false;
  function hear(state) {
    window.smrServe.state = state;
    if (reloading) {
      return;
    }
    if (stale(state.build)) {
      reloading = true;
      location.reload();
    } else if (state.problems.length) {
      show(state.problems);
    } else {
      hide();
    }
  }

  function ownStream() {
    if (!window.EventSource) {
      return;
    }
    var events = new EventSource("/__smr/events");
    events.addEventListener("state", function (event) {
      hear(JSON.parse(event.data));
    });
  }

  if (!window.SharedWorker) {
    ownStream();
    return;
  }
  try {
    var worker = new SharedWorker("/__smr/worker.js", { name: "smr-serve" });
  } catch (refused) {   // a policy without workers
    ownStream();
    return;
  }
  worker.addEventListener("error", ownStream);
  worker.port.addEventListener("message", function (event) {
    hear(event.data);
  });
  worker.port.start();
  window.addEventListener("pagehide", function () {
    worker.port.postMessage("gone");
  });
})();
