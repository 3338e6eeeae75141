// The editor at /editor, with JavaScript: fields are checked as you type
// through POST /api/v1/validate, findings shown at their fields, and the YAML
// can be copied. Without it the form posts to the server, which does the same.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("editor-status");
  var copy = document.getElementById("editor-copy");
  var texts = form.dataset;
  var timer = null, seq = 0;

  // set puts value at a field's name ("maintenance.contacts[0].email").
  function set(obj, name, value) {
    var parts = name.replace(/\[(\d+)\]/g, ".$1").split(".");
    var at = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var p = parts[i], next = parts[i + 1];
      if (at[p] === undefined) { at[p] = /^\d+$/.test(next) ? [] : {}; }
      at = at[p];
    }
    at[parts[parts.length - 1]] = value;
  }

  // prune drops empty values, lists and mappings, and the form's holes.
  function prune(v) {
    if (Array.isArray(v)) {
      var a = v.map(prune).filter(function (x) { return x !== undefined; });
      return a.length ? a : undefined;
    }
    if (v && typeof v === "object") {
      var o = {}, any = false;
      Object.keys(v).forEach(function (k) { var x = prune(v[k]); if (x !== undefined) { o[k] = x; any = true; } });
      return any ? o : undefined;
    }
    return v === "" ? undefined : v;
  }

  // fileOf is the form as a publiccode.yml, in JSON (which YAML reads).
  function fileOf() {
    var obj = {};
    form.querySelectorAll("[data-field]").forEach(function (div) {
      var name = div.dataset.field, kind = div.dataset.kind, value;
      if (kind === "choices") {
        value = [];
        div.querySelectorAll("input:checked").forEach(function (c) { value.push(c.value); });
      } else {
        var el = div.querySelector("input,textarea,select");
        if (!el) { return; }
        value = el.value.trim();
        if (kind === "list") { value = value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }
        if (kind === "bool") { value = value === "" ? "" : value === "true"; }
      }
      set(obj, name.replace(":lang", ".__lang"), value);
    });
    if (Array.isArray(obj.description)) {
      var d = {};
      obj.description.forEach(function (entry) {
        var tag = entry && entry.__lang;
        if (!tag) { return; }
        delete entry.__lang;
        var e = prune(entry);
        if (e) { d[tag] = e; }
      });
      obj.description = d;
    }
    return prune(obj) || {};
  }

  // place finds the findings list of a key's field, walking up its parents.
  function place(key, langs) {
    var m = /^description\.([^.]+)(.*)$/.exec(key);
    if (m && langs[m[1]] !== undefined) { key = "description[" + langs[m[1]] + "]" + m[2]; }
    while (key) {
      var div = form.querySelector('[data-field="' + CSS.escape(key) + '"], [data-block="' + CSS.escape(key) + '"]');
      if (div) { return div.querySelector(".field-findings"); }
      key = key.replace(/(\[\d+\]|\.[^.[\]]*)$/, "");
    }
    return null;
  }

  function show(report) {
    form.querySelectorAll(".field-findings[data-js]").forEach(function (ul) { ul.remove(); });
    form.querySelectorAll(".field-findings").forEach(function (ul) { ul.hidden = true; });
    var langs = {};
    form.querySelectorAll('[data-field$=":lang"] input').forEach(function (el) {
      var i = /\[(\d+)\]/.exec(el.name);
      if (el.value && i) { langs[el.value.trim()] = i[1]; }
    });
    var errors = 0, warnings = 0;
    var cleared = new Set();
    (report.findings || []).forEach(function (f) {
      if (f.severity === "error") { errors++; } else if (f.severity === "warning") { warnings++; }
      var ul = place(f.key, langs);
      if (!ul) { return; }
      if (!cleared.has(ul)) { ul.textContent = ""; cleared.add(ul); }
      var li = document.createElement("li");
      li.className = f.severity;
      li.lang = "en";
      li.textContent = f.message;
      ul.appendChild(li);
      ul.hidden = false;
    });
    status.textContent = (texts.live || "").replace("{errors}", errors).replace("{warnings}", warnings);
  }

  function check() {
    var mine = ++seq;
    status.textContent = texts.checking || "";
    fetch("/api/v1/validate", { method: "POST", headers: { "Content-Type": "application/yaml" }, body: JSON.stringify(fileOf()) })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (report) { if (report && mine === seq) { show(report); } })
      .catch(function () { status.textContent = ""; });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 700);
  });

  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var data = new FormData(form);
      data.set("action", "download");
      fetch("/editor", { method: "POST", body: new URLSearchParams(data) })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (yaml) { return navigator.clipboard.writeText(yaml); })
        .then(function () { status.textContent = texts.copied || ""; })
        .catch(function () { status.textContent = ""; });
    });
  }
})();
