// Django formsets: an "add a row" button that clones the formset's empty form, so that users
// need not save to get more empty rows. Progressive enhancement: without JavaScript the button
// stays hidden and saving the form still brings new empty rows.
//
// Markup (see templates/applications/dossier/_formset_table.html):
//   <div data-formset data-formset-prefix="budget">          the container, holds the management form
//     <tbody data-formset-rows>…</tbody>                      where new rows are appended
//     <template data-formset-template>{{ formset.empty_form }}</template>
//     <button type="button" hidden data-formset-add>…</button>
//   </div>
// In the template, "__prefix__" becomes the new form's index and "__number__" its position
// (index + 1), for a visible "Partenaire 3" label.
(function () {
  "use strict";

  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

  function managementInput(container, prefix, name) {
    return container.querySelector('input[name="' + prefix + "-" + name + '"]');
  }

  function setup(container) {
    var prefix = container.getAttribute("data-formset-prefix");
    var total = managementInput(container, prefix, "TOTAL_FORMS");
    var max = managementInput(container, prefix, "MAX_NUM_FORMS");
    var template = container.querySelector("template[data-formset-template]");
    var rows = container.querySelector("[data-formset-rows]");
    var button = container.querySelector("[data-formset-add]");
    if (!prefix || !total || !template || !rows || !button) {
      return;
    }
    var limit = max ? parseInt(max.value, 10) : NaN;

    function refresh() {
      var full = !isNaN(limit) && parseInt(total.value, 10) >= limit;
      button.disabled = full;
      if (full) {
        button.setAttribute("aria-disabled", "true");
      } else {
        button.removeAttribute("aria-disabled");
      }
    }

    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (isNaN(index) || (!isNaN(limit) && index >= limit)) {
        refresh();
        return;
      }
      // Parsed by a <template> so that a bare <tr> keeps its table context.
      var holder = document.createElement("template");
      holder.innerHTML = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var added = Array.prototype.slice.call(holder.content.children);
      rows.appendChild(holder.content);
      total.value = String(index + 1);
      refresh();
      for (var i = 0; i < added.length; i++) {
        var field = added[i].matches(FOCUSABLE) ? added[i] : added[i].querySelector(FOCUSABLE);
        if (field) {
          field.focus();
          break;
        }
      }
    });

    button.hidden = false;
    refresh();
  }

  document.querySelectorAll("[data-formset]").forEach(setup);
})();
