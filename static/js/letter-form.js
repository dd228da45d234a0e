// Letter of intent form: once sent, its buttons are disabled so that a double click sends it
// once. The server refuses a second submission anyway; this only spares the user a message.
(function () {
  "use strict";
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      // After the browser has collected the form data (it includes the clicked button).
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
})();
