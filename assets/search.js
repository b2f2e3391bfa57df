// smr search: Pagefind's index of this site (pagefind/ beside the pages), loaded from this
// site only when someone searches. Progressive enhancement: without JavaScript the form
// stays hidden and the page says search needs it.
(function () {
  "use strict";
  var box = document.querySelector(".site-search");
  if (!box) return;
  var form = box.querySelector(".search-form");
  var input = box.querySelector("input[type=search]");
  var status = box.querySelector(".search-status");
  var list = box.querySelector(".search-results");
  var bundle = new URL(box.getAttribute("data-search-bundle"), location.href).href;
  var root = new URL(box.getAttribute("data-search-root"), location.href);
  var loading = null;
  var asked = 0;

  form.hidden = false;
  box.querySelector(".search-needs-js").hidden = true;

  function pagefind() {
    if (!loading) {
      loading = import(bundle + "pagefind.js").then(function (module) {
        return module.options({ baseUrl: root.pathname }).then(function () { return module; });
      });
    }
    return loading;
  }

  // Pagefind's excerpt is text with <mark> around the words found: keep exactly that.
  function excerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var p = document.createElement("p");
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  function show(results, query, mine) {
    if (mine !== asked) return;   // a newer search is under way
    list.textContent = "";
    results.forEach(function (data) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = new URL(data.url, location.href).href;
      a.textContent = (data.meta && data.meta.title) || data.url;
      var h = document.createElement("h3");
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(excerpt(data.excerpt || ""));
      list.appendChild(li);
    });
    status.textContent = results.length
      ? box.getAttribute("data-search-count").replace("{count}", results.length)
      : (query ? box.getAttribute("data-search-none") : "");
  }

  function search() {
    var query = input.value.trim();
    var mine = ++asked;
    if (!query) { show([], "", mine); return; }
    pagefind().then(function (module) {
      return module.search(query);
    }).then(function (found) {
      if (!found) return [];
      return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }));
    }).then(function (results) { show(results, query, mine); }, function () { show([], query, mine); });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
})();
