// Nothing typed is lost by closing the tab or following a link by mistake: a form marked
// data-warn-unsaved="<sentence>" that was changed and not sent makes the browser ask before
// the page goes away (beforeunload). The sentence comes translated from the page; most browsers
// show their own wording instead, but an assistive technology or an older browser may read it.
//
// "Changed" means a field's value differs from the one the page was served with: a value typed
// then put back is no change, and rows added empty by formset-rows.js are none either. A page
// served again with errors (data-warn-unsaved-dirty) holds input the server did not save: it
// counts as changed from the start. Sending the form itself is not leaving it; sending another
// form of the page is, if this one was changed.
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) return;

  var IGNORED = { submit: 1, button: 1, reset: 1, hidden: 1, image: 1 };

  function values(form) {
    var found = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      var type = (field.type || "").toLowerCase();
      if (!field.name || IGNORED[type]) return;
      var value;
      if (type === "checkbox" || type === "radio") {
        value = field.checked ? "on" : "";
        found[field.name + "\u0000" + field.value] = value;
        return;
      }
      if (type === "file") {
        value = Array.prototype.map.call(field.files || [], function (file) { return file.name; }).join("\u0001");
      } else if (field.options && field.multiple) {
        value = Array.prototype.filter.call(field.options, function (option) { return option.selected; })
          .map(function (option) { return option.value; }).join("\u0001");
      } else {
        value = field.value;
      }
      found[field.name] = (found[field.name] ? found[field.name] + "\u0001" : "") + value;
    });
    return found;
  }

  var initial = forms.map(values);
  var sending = null;

  function changed(form, index) {
    if (form.hasAttribute("data-warn-unsaved-dirty")) return true;
    var now = values(form);
    var before = initial[index];
    var names = Object.keys(now).concat(Object.keys(before));
    return names.some(function (name) { return (now[name] || "") !== (before[name] || ""); });
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function () { sending = form; });
  });
  // Coming back through the history (back/forward cache): the page is the one the user left.
  window.addEventListener("pageshow", function () { sending = null; });

  window.addEventListener("beforeunload", function (event) {
    var unsaved = null;
    forms.forEach(function (form, index) {
      if (!unsaved && form !== sending && changed(form, index)) unsaved = form;
    });
    if (!unsaved) return undefined;
    var message = unsaved.getAttribute("data-warn-unsaved") || "";
    event.preventDefault();
    event.returnValue = message;
    return message;
  });
})();
