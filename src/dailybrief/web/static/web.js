// dailybrief web app: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Search: results replace themselves as you type (the same server-rendered fragment).
  var form = document.getElementById("search-form");
  var results = document.getElementById("results");
  if (form && results && window.fetch && window.URLSearchParams) {
    var timer = null, seq = 0;
    var update = function () {
      var params = new URLSearchParams(new FormData(form));
      if (!params.get("q")) return;
      params.set("partial", "1");
      var mine = ++seq;
      fetch("/search?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok || r.status === 400 ? r.text() : null; })
        .then(function (html) {
          if (html === null || mine !== seq) return;
          results.innerHTML = html;
          params.delete("partial");
          history.replaceState(null, "", "/search?" + params.toString());
        })
        .catch(function () { /* the plain form still works */ });
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
  }
  // Merge: the button says how many stories are ticked.
  var merge = document.getElementById("merge-form");
  if (merge) {
    var button = merge.querySelector("button");
    var boxes = document.querySelectorAll('input[form="merge-form"]');
    var count = function () {
      var n = 0;
      boxes.forEach(function (b) { if (b.checked) n++; });
      button.disabled = n < 2;
      button.textContent = n < 2 ? "Merge ticked stories" : "Merge " + n + " stories";
    };
    boxes.forEach(function (b) { b.addEventListener("change", count); });
    count();
  }
})();
