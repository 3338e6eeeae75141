// Oscat: small improvements on pages that work without JavaScript.
// - type-ahead: names of matching software as suggestions in search boxes;
// - instant filters: the results page updates as filters and order change;
// - crawl progress: a running crawl's table refreshes itself.
// No framework, no inline code; everything here is optional.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function fetchPage(url, signal) {
    return fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin", signal: signal })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
  }

  // Type-ahead through a native datalist: the browser draws and announces it.
  function typeAhead(input, n) {
    var list = document.createElement("datalist");
    list.id = "suggest-" + n;
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    var ctrl = null, last = "";
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      last = q;
      if (ctrl) { ctrl.abort(); }
      ctrl = new AbortController();
      fetch("/api/v1/software?page[size]=8&q=" + encodeURIComponent(q), { signal: ctrl.signal })
        .then(function (r) { return r.ok ? r.json() : { data: [] }; })
        .then(function (body) {
          list.textContent = "";
          var seen = {};
          (body.data || []).forEach(function (sw) {
            if (seen[sw.name]) { return; }
            seen[sw.name] = true;
            var opt = document.createElement("option");
            opt.value = sw.name;
            list.appendChild(opt);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 150));
  }

  // Instant filters: swap the panel and the results, keep focus where it was.
  function instantFilters(form) {
    var ctrl = null;
    function update(url, push) {
      if (ctrl) { ctrl.abort(); }
      ctrl = new AbortController();
      form.classList.add("busy");
      var focused = document.activeElement && document.activeElement.id;
      fetchPage(url, ctrl.signal).then(function (doc) {
        var freshFacets = doc.querySelector(".facets"), oldFacets = document.querySelector(".facets");
        if (freshFacets && oldFacets) { oldFacets.replaceWith(freshFacets); }
        // The results panel keeps its toolbar, whose count is a live region:
        // only its text changes, so that screen readers announce it.
        var panel = document.querySelector(".results-panel"), fresh = doc.querySelector(".results-panel");
        if (panel && fresh) {
          var bar = panel.querySelector(".toolbar"), after = false;
          Array.prototype.slice.call(panel.children).forEach(function (c) { if (c !== bar) { c.remove(); } });
          Array.prototype.slice.call(fresh.children).forEach(function (c) {
            if (c.classList.contains("toolbar")) {
              after = true;
              document.getElementById("result-count").textContent = c.querySelector("#result-count").textContent;
              return;
            }
            if (after) { panel.appendChild(c); } else { panel.insertBefore(c, bar); }
          });
        }
        document.title = doc.title;
        if (push) { history.pushState({ oscat: true }, "", url); }
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
        form.classList.remove("busy");
      }).catch(function (e) {
        form.classList.remove("busy");
        if (e.name !== "AbortError") { window.location.href = url; }
      });
    }
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (!(t.type === "checkbox" || t.id === "sort")) { return; }
      var params = new URLSearchParams(new FormData(form));
      params.delete("page[after]");
      var q = params.toString().replace(/%5B/g, "[").replace(/%5D/g, "]");
      update(form.action.split("?")[0] + "?" + q, true);
    });
    window.addEventListener("popstate", function () { update(window.location.href, false); });
  }

  // A running crawl's table refreshes until the crawl ends.
  function crawlProgress(box) {
    var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 5000;
    function tick() {
      fetchPage(window.location.href).then(function (doc) {
        var fresh = doc.getElementById("crawl-runs");
        if (!fresh) { return; }
        box.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-refresh")) { setTimeout(tick, every); } else { box.removeAttribute("data-refresh"); }
      }).catch(function () { setTimeout(tick, every * 2); });
    }
    setTimeout(tick, every);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), typeAhead);
    var form = document.getElementById("search-form");
    if (form && window.fetch && window.URLSearchParams) { instantFilters(form); }
    var runs = document.querySelector("#crawl-runs[data-refresh]");
    if (runs) { crawlProgress(runs); }
  });
})();
