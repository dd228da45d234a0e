/* Error summary (templates/includes/error_summary.html): after a failed submit, focus moves to
   the summary so that a screen reader reads it first; each link then moves focus to its field
   (an anchor alone scrolls but leaves focus behind in some browsers). No inline JS: CSP. */
(function () {
  "use strict";
  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) {
      return false;
    }
    field.focus();
    if (field.scrollIntoView) {
      field.scrollIntoView({ block: "center" });
    }
    return document.activeElement === field;
  }
  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-error-link]");
      if (!link) {
        return;
      }
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      if (focusField(id)) {
        event.preventDefault();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "#" + id);
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
