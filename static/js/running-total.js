// A weighted total that follows the scores as they are chosen (review grid; any other grid built
// the same way). The server renders the figure of the saved scores; this replaces it as soon as
// a score changes. Attribute-driven, no language in this file:
//
//   <form data-running-total="20">                       the scale of the total (/20)
//     <select data-weight="2" data-scale-max="5">…         one per criterion; "" is "not scored"
//     <p aria-live="polite" data-running-total-output
//        data-running-total-template="… %(total)s / 20 (%(scored)s … %(count)s …)">server text</p>
//
// Formula of reviews/scoring.py (running_total, weighted_score): sum(weight × score / maximum)
// / sum(weight) × scale, an unscored criterion counting 0, rounded half up to two decimals;
// the number is written as the page's language writes it (12,50 in French, 12.50 in English).
(function () {
  "use strict";

  function roundHalfUp(value) {
    return Math.round(value * 100 + 1e-9) / 100;
  }

  function setup(container) {
    var output = container.querySelector("[data-running-total-output]");
    var template = output && output.getAttribute("data-running-total-template");
    if (!template) return;
    var scale = parseFloat(container.getAttribute("data-running-total")) || 20;
    var fields = Array.prototype.slice.call(container.querySelectorAll("[data-weight][data-scale-max]"));
    var format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    var last = null;

    function update() {
      var weights = 0;
      var sum = 0;
      var scored = 0;
      fields.forEach(function (field) {
        var weight = parseFloat(field.getAttribute("data-weight"));
        var max = parseFloat(field.getAttribute("data-scale-max"));
        if (!(weight >= 0) || !(max > 0)) return;
        weights += weight;
        var value = field.value === "" ? NaN : parseFloat(field.value);
        if (isNaN(value)) return;
        sum += (weight * value) / max;
        scored += 1;
      });
      var total = weights > 0 ? roundHalfUp((sum / weights) * scale) : 0;
      var text = template
        .replace("%(total)s", format.format(total))
        .replace("%(scored)s", String(scored))
        .replace("%(count)s", String(fields.length));
      // Only a real change is written: the live region then speaks once per change.
      if (text !== last) {
        output.textContent = text;
        last = text;
      }
    }

    // Until a score changes, the server's figure (the saved scores) stays as it is.
    container.addEventListener("change", update);
    container.addEventListener("input", update);
  }

  document.querySelectorAll("[data-running-total]").forEach(setup);
})();
