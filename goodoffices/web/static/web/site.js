// After a submit, move focus to what the person must read next: the first field in error, else
// the errors above the form, else the message saying what happened (announced by screen readers).
// And on narrow screens, fold the site's menu behind one button.
(function () {
  "use strict";

  function focusAfterSubmit() {
    var target =
      document.querySelector("main [aria-invalid='true']") ||
      document.querySelector("main .form-errors") ||
      document.getElementById("messages");
    if (target) {
      target.focus();
    }
  }

  function collapsibleMenu() {
    var button = document.getElementById("menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) {
      return;
    }
    button.hidden = false;
    document.documentElement.classList.add("menu-ready");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      menu.classList.toggle("open", !open);
    });
  }

  function ready() {
    focusAfterSubmit();
    collapsibleMenu();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
