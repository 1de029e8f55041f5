// ImageShare console glue. Everything works without it; it only adds
// conveniences. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  function dialogHost() { return document.getElementById("dialog"); }

  function closeDialog() {
    var host = dialogHost();
    if (host && host.firstElementChild) {
      host.replaceChildren();
      return true;
    }
    return false;
  }

  // Region and project selectors submit on change.
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.matches && t.matches("select[data-autosubmit]") && t.form) {
      if (t.form.requestSubmit) { t.form.requestSubmit(); } else { t.form.submit(); }
    }
    if (t.matches && t.matches("input[data-select-all]")) {
      var form = t.form || t.closest("form");
      if (!form) { return; }
      form.querySelectorAll("input[type=checkbox][name='" + t.dataset.selectAll + "']").forEach(function (box) {
        if (!box.disabled) { box.checked = t.checked; }
      });
    }
  });

  // A dialog opened in place closes without a round trip.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("[data-close-dialog]");
    if (link && dialogHost() && dialogHost().contains(link) && closeDialog()) {
      ev.preventDefault();
    }
    var menu = document.querySelector("details.user-menu[open]");
    if (menu && !menu.contains(ev.target)) { menu.removeAttribute("open"); }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { closeDialog(); }
  });

  // Upload Image File: the form is sent with XMLHttpRequest, whose upload
  // reports progress, to a progress bar; the server answers as to htmx
  // (HX-Location on success, the dialog with the reason on a refusal).
  // Without JavaScript the form posts as it is.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[data-upload]") || !window.FormData || !window.XMLHttpRequest) { return; }
    ev.preventDefault();
    var box = form.querySelector("[data-upload-progress]");
    var bar = box && box.querySelector("progress");
    var status = box && box.querySelector("[aria-live]");
    var submit = form.querySelector("button[type=submit]");
    var say = function (text) { if (status) { status.textContent = text; } };
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", form.elements._csrf.value);
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("HX-Target", "dialog");
    if (box) { box.hidden = false; }
    if (submit) { submit.disabled = true; }
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) { return; }
      bar.setAttribute("max", e.total);
      bar.setAttribute("value", e.loaded);
      say(Math.floor(100 * e.loaded / e.total) + "%" + (e.loaded === e.total ? ": checking the data…" : ""));
    });
    xhr.addEventListener("load", function () {
      var next = xhr.getResponseHeader("HX-Location");
      if (xhr.status < 400 && next) {
        window.location.assign(next);
        return;
      }
      var dialog = form.closest(".dialog");
      if (dialog && xhr.responseText) {
        dialog.outerHTML = xhr.responseText;
      } else {
        say("The upload was refused (HTTP " + xhr.status + ").");
        if (submit) { submit.disabled = false; }
      }
    });
    xhr.addEventListener("error", function () {
      say("The upload failed: the connection was lost. Try again.");
      if (submit) { submit.disabled = false; }
    });
    xhr.send(new FormData(form));
  });

  // Focus the first field of a dialog that just opened.
  document.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail && ev.detail.target && ev.detail.target.id === "dialog") {
      var first = ev.detail.target.querySelector("textarea, input:not([type=hidden]), select, button");
      if (first) { first.focus(); }
    }
  });
})();
