// Live countdown to the closing instant of the open wave. The server renders the days left;
// this only refines it to days, hours and minutes while the page is open.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-countdown]");
  var english = document.documentElement.lang === "en";
  function render(node) {
    var end = new Date(node.getAttribute("data-countdown"));
    var ms = end - new Date();
    if (isNaN(ms)) return;
    if (ms <= 0) {
      node.textContent = english ? "The wave is closed." : "La vague est close.";
      return;
    }
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    node.textContent = english
      ? days + " d " + hours + " h " + mins + " min left"
      : "Il reste " + days + " j " + hours + " h " + mins + " min";
  }
  nodes.forEach(function (node) {
    render(node);
    setInterval(function () { render(node); }, 30000);
  });
})();
