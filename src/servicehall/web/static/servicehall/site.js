// servicehall — the pages' few behaviours, from a static file: the Content-Security-Policy allows no inline
// script and no on… attribute. Buttons say what they do with data attributes:
//   data-print             prints the page;
//   data-set-approved="1"  sets its form's "approved" field before the form is sent (approve / deny);
//   data-autosubmit        on a select: sends its form when the choice changes (the center switcher);
//   a rating form's level  clears the reasons ticked for another level (EVAL-4);
//   data-key="n"           a button pressed by that one key (the caller's steps), unless the person is typing;
//   data-confirm="…"       on a form: asks before it is sent (cancelling a phone ticket);
//   data-people            a people pick (issue 17 item 1, web/_people.html): the search box before it
//                          (data-people-filter) keeps the options whose name, number or department match; with
//                          data-people-first="window" the chosen window's people come first, its department's
//                          next; data-people-only="post" keeps those qualified for the chosen post (NV-7);
//                          data-people-qualified="items" those qualified for every ticked item (ORG-4).
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
  // -- people picks (issue 17 item 1) -------------------------------------------------------------------
  var picks = [];
  function words(value) {
    return (value || "").toLowerCase().split(/\s+/).filter(function (w) { return w; });
  }
  function control(form, name) {
    var el = form && name ? form.elements.namedItem(name) : null;
    return el instanceof HTMLSelectElement ? el : null;
  }
  function arrange(pick) {
    var select = pick.select, form = select.form, terms = words(pick.filter ? pick.filter.value : "");
    var win = control(form, select.getAttribute("data-people-first"));
    var winCode = win ? win.value : "";
    var winOption = win && win.selectedIndex >= 0 ? win.options[win.selectedIndex] : null;
    var winDept = winOption ? winOption.getAttribute("data-dept") || "" : "";
    var post = control(form, select.getAttribute("data-people-only"));
    var postCode = post ? post.value : "";
    var itemsName = select.getAttribute("data-people-qualified");
    var needed = [];
    if (itemsName && form) {
      var boxes = form.querySelectorAll("input[name='" + itemsName.replace(/['\\]/g, "") + "']:checked");
      for (var b = 0; b < boxes.length; b++) needed.push(boxes[b].value);
    }
    var chosen = {};
    if (!terms.length && pick.auto) {
      // the search that picked someone is emptied: the choice goes back to what it was before the search
      chosen = pick.before;
      pick.auto = false;
    } else {
      for (var c = 0; c < select.options.length; c++) {
        if (select.options[c].selected && select.options[c].value) chosen[select.options[c].value] = true;
      }
    }
    var first = [], groups = [], byLabel = {};
    pick.options.forEach(function (entry) {
      var o = entry.option;
      // the people chosen stay in a multiple list; in a single one the person the page came with stays until
      // the first change (a refused pick is shown as it was sent, beside its message)
      var keep = chosen[o.value] && (select.multiple || !pick.arranged);
      if (!keep) {
        var text = (o.getAttribute("data-search") || o.textContent).toLowerCase();
        if (!terms.every(function (t) { return text.indexOf(t) >= 0; })) return;
        if (postCode && words(o.getAttribute("data-posts")).indexOf(postCode.toLowerCase()) < 0) return;
        var items = words(o.getAttribute("data-items"));
        if (!needed.every(function (i) { return items.indexOf(i.toLowerCase()) >= 0; })) return;
      }
      if (winCode && words(o.getAttribute("data-windows")).indexOf(winCode.toLowerCase()) >= 0) {
        first.push(o);
        return;
      }
      if (!byLabel[entry.group]) {
        byLabel[entry.group] = {label: entry.group, dept: o.getAttribute("data-dept") || "", options: [], rank: entry.rank};
        groups.push(byLabel[entry.group]);
      }
      byLabel[entry.group].options.push(o);
    });
    groups.sort(function (x, y) {
      return ((x.dept !== winDept || !winDept) - (y.dept !== winDept || !winDept)) || (x.rank - y.rank);
    });
    while (select.firstChild) select.removeChild(select.firstChild);
    if (pick.blank) select.appendChild(pick.blank);
    function put(label, options) {
      if (!options.length) return;
      var group = document.createElement("optgroup");
      group.label = label;
      options.forEach(function (o) { group.appendChild(o); });
      select.appendChild(group);
    }
    pick.arranged = true;
    put(select.getAttribute("data-people-first-label") || "", first);
    groups.forEach(function (g) { put(g.label, g.options); });
    if (!select.multiple) {
      var still = false;
      for (var i = 0; i < select.options.length; i++) {
        // (a single select reselects its first option when none is: ask the choice, not the option)
        if (chosen[select.options[i].value]) still = true;
        select.options[i].selected = !!chosen[select.options[i].value];
      }
      // a search that hides the person chosen picks the first one it shows (typing, then Tab, picks)
      if (!still && terms.length) {
        // a search that hides the person chosen (or matches nobody) keeps that choice to give back when emptied
        if (!pick.auto) pick.before = chosen;
        pick.auto = true;
        if (select.options.length > (pick.blank ? 1 : 0)) select.options[pick.blank ? 1 : 0].selected = true;
        else if (pick.blank) pick.blank.selected = true;
      } else if (!still && pick.blank) {
        pick.blank.selected = true;
      }
    }
  }
  function setUpPicks() {
    var selects = document.querySelectorAll("select[data-people]");
    for (var s = 0; s < selects.length; s++) {
      var select = selects[s], pick = {select: select, options: [], blank: null, filter: null, auto: false, before: {}};
      var prev = select.previousElementSibling;
      if (prev && prev.hasAttribute("data-people-filter")) pick.filter = prev;
      var rank = 0;
      for (var k = 0; k < select.children.length; k++) {
        var child = select.children[k];
        if (child instanceof HTMLOptGroupElement) {
          for (var j = 0; j < child.children.length; j++) {
            pick.options.push({option: child.children[j], group: child.label, rank: rank});
          }
          rank++;
        } else if (child instanceof HTMLOptionElement && !child.value) {
          pick.blank = child;
        }
      }
      picks.push(pick);
      arrange(pick);
    }
  }
  function rearrange(target) {
    picks.forEach(function (pick) {
      var select = pick.select;
      if (target === pick.filter || (target.form && target.form === select.form && target !== select
          && (target.name === select.getAttribute("data-people-first")
              || target.name === select.getAttribute("data-people-only")
              || target.name === select.getAttribute("data-people-qualified")))) {
        arrange(pick);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpPicks);
  else setUpPicks();
  document.addEventListener("input", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.hasAttribute("data-people-filter")) {
      rearrange(event.target);
    }
  });
  document.addEventListener("keydown", function (event) {
    // Enter in a people search goes on to its list instead of sending the form (keyboard only)
    var target = event.target;
    if (event.key === "Enter" && !event.isComposing && target instanceof HTMLInputElement
        && target.hasAttribute("data-people-filter")) {
      event.preventDefault();
      var next = target.nextElementSibling;
      if (next instanceof HTMLSelectElement) next.focus();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement || target instanceof HTMLInputElement) rearrange(target);
    // a person chosen in the list by hand stays chosen when the search is emptied
    picks.forEach(function (pick) { if (pick.select === target) pick.auto = false; });
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
