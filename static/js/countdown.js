// Live countdown to the closing instant of the open wave. The server renders the days left;
// this only refines it to days, hours and minutes while the page is open. The sentences come
// translated from the page (data-countdown-closed, data-countdown-left with %(days)s,
// %(hours)s and %(minutes)s), so this file holds no language.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-countdown]");
  function render(node) {
    var end = new Date(node.getAttribute("data-countdown"));
    var ms = end - new Date();
    if (isNaN(ms)) return;
    if (ms <= 0) {
      node.textContent = node.getAttribute("data-countdown-closed") || "";
      return;
    }
    var minutes = Math.floor(ms / 60000);
    var template = node.getAttribute("data-countdown-left");
    if (!template) return;
    node.textContent = template
      .replace("%(days)s", String(Math.floor(minutes / 1440)))
      .replace("%(hours)s", String(Math.floor((minutes % 1440) / 60)))
      .replace("%(minutes)s", String(minutes % 60));
  }
  nodes.forEach(function (node) {
    render(node);
    setInterval(function () { render(node); }, 30000);
  });
})();
