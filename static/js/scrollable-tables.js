/* Tables that scroll sideways (DSFR .fr-table on a narrow screen) get keyboard access: the
   element that actually scrolls becomes focusable (tabindex="0"), so a keyboard user can scroll
   it with the arrow keys (WCAG 2.1.1, axe "scrollable-region-focusable"). Re-checked when the
   window is resized; a table that fits loses the extra tab stop. */
(function () {
  "use strict";
  function scrollers() {
    var found = [];
    document.querySelectorAll(".fr-table, .fr-table *, .cma-chart-box").forEach(function (element) {
      var style = window.getComputedStyle(element);
      if (style.overflowX === "auto" || style.overflowX === "scroll") {
        found.push(element);
      }
    });
    return found;
  }
  function update() {
    scrollers().forEach(function (element) {
      var scrolls = element.scrollWidth > element.clientWidth + 1;
      if (scrolls && !element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
        element.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && element.hasAttribute("data-scroll-focus")) {
        element.removeAttribute("tabindex");
        element.removeAttribute("data-scroll-focus");
      }
    });
  }
  var timer = null;
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("load", function () {
    update();
    later(); // once more, after the DSFR has set up its tables
  });
  window.addEventListener("resize", later);
})();
