// servicehall — the pages' few behaviours, from a static file: the Content-Security-Policy allows no inline
// script and no on… attribute. Buttons say what they do with data attributes:
//   data-print             prints the page;
//   data-set-approved="1"  sets its form's "approved" field before the form is sent (approve / deny);
//   data-autosubmit        on a select: sends its form when the choice changes (the center switcher);
//   a rating form's level  clears the reasons ticked for another level (EVAL-4);
//   data-key="n"           a button pressed by that one key (the caller's steps), unless the person is typing;
//   data-confirm="…"       on a form: asks before it is sent (cancelling a phone ticket).
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
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || !event.key || event.key.length !== 1) return;
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    var button = document.querySelector('[data-key="' + event.key.toLowerCase().replace(/["\\]/g, "") + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")
        && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
    // EVAL-4: choosing another level clears the reasons ticked for the previous one (the comment stays).
    if (target instanceof HTMLInputElement && target.name === "level" && target.form) {
      var boxes = target.form.querySelectorAll(".rate-reasons input[name=reasons]");
      for (var i = 0; i < boxes.length; i++) {
        var group = boxes[i].closest("[data-level]");
        if (group && group.getAttribute("data-level") !== target.value) boxes[i].checked = false;
      }
    }
  });
})();
