// servicehall — the pages' few behaviours, from a static file: the Content-Security-Policy allows no inline
// script and no on… attribute. Buttons say what they do with data attributes:
//   data-print             prints the page;
//   data-set-approved="1"  sets its form's "approved" field before the form is sent (approve / deny);
//   data-autosubmit        on a select: sends its form when the choice changes (the center switcher).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var print = target.closest("[data-print]");
    if (print) {
      event.preventDefault();
      window.print();
      return;
    }
    var setter = target.closest("[data-set-approved]");
    if (setter && setter.form && setter.form.elements.approved) {
      setter.form.elements.approved.value = setter.getAttribute("data-set-approved");
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
