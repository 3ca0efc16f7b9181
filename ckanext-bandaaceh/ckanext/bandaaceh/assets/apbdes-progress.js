// Progress page of a staged APBG upload (templates/apbdes/progress.html): poll the job state
// and reload once the background job has finished. Plain script, no framework; without it the
// page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("apbdes-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var label = document.getElementById("apbdes-progress-label");
  var bar = document.getElementById("apbdes-progress-bar");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.json(); })
      .then(function (s) {
        box.setAttribute("data-state", s.state);
        if (s.finished) { window.location.reload(); return; }
        if (s.label) { label.textContent = s.label; }
        if (s.total) { bar.max = s.total; bar.value = s.done; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
