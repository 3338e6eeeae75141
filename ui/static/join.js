// After "crawl now", watch the publisher's repositories and reload the page as
// soon as one of them was crawled after the page was drawn, for up to two
// minutes. The page works without it: the results are there on the next reload.
(function () {
  var el = document.querySelector("[data-watch]");
  if (!el || !window.fetch) return;
  var url = el.getAttribute("data-watch"), since = Date.parse(el.getAttribute("data-since")), tries = 0;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (body) {
      var done = (body.data || []).some(function (r) { return r.lastCrawledAt && Date.parse(r.lastCrawledAt) > since; });
      if (done) { location.href = location.pathname + "#repositories"; return; }
      if (++tries < 40) setTimeout(poll, 3000);
    }).catch(function () { if (++tries < 40) setTimeout(poll, 3000); });
  }
  setTimeout(poll, 2000);
})();
