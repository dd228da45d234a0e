// Polls the PDF status of a submission until it is ready, then shows the download links.
// Markup: templates/pdf/status_fragment.html (data-pdf-status-url on the pending block).
(function () {
  "use strict";
  var DELAY_MS = 3000;
  var MAX_POLLS = 200; // ten minutes: past that, reloading the page is the answer

  function poll(element, count) {
    var url = element.getAttribute("data-pdf-status-url");
    if (!url || count > MAX_POLLS) {
      return;
    }
    window.setTimeout(function () {
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var next = holder.firstElementChild;
          if (!next) {
            return poll(element, count + 1);
          }
          element.replaceWith(next);
          if (next.getAttribute("data-pdf-status") !== "ready") {
            poll(next, count + 1);
          }
        })
        .catch(function () {
          poll(element, count + 1);
        });
    }, DELAY_MS);
  }

  function start() {
    document.querySelectorAll("[data-pdf-status-url]").forEach(function (element) {
      poll(element, 0);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
