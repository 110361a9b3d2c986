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

  // The proposal form: the venue's time zone is filled in from a venue whose zone is known, and
  // the person is told so; an unknown venue leaves the zone to be chosen (nothing is guessed).
  function zoneFromVenue() {
    var venue = document.getElementById("id_venue");
    var zone = document.getElementById("id_timezone");
    var known = document.getElementById("known-venue-zones");
    var note = document.getElementById("zone-from-venue");
    if (!venue || !zone || !known || !note) {
      return;
    }
    var zones = JSON.parse(known.textContent);
    var filled = false;
    // As the venue is typed: a zone the person chose is never replaced.
    function fill() {
      if (zone.value && !filled) {
        return;
      }
      var found = zones[venue.value.trim().replace(/\s+/g, " ").toLowerCase()];
      zone.value = found || "";
      filled = Boolean(found);
      note.textContent = found ? note.getAttribute("data-words").replace("%(zone)s", found) : "";
    }
    venue.addEventListener("input", fill);
    zone.addEventListener("input", function () {
      filled = false;
      note.textContent = "";
    });
  }

  function ready() {
    focusAfterSubmit();
    collapsibleMenu();
    zoneFromVenue();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
