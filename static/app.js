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

  // Region and project selectors switch when a choice is made with the
  // pointer, but not on every arrow key: a keyboard user moves through the
  // options and switches with Enter, or by leaving the list.
  function autosubmit(sel) {
    if (!sel.form || sel.value === sel.dataset.initial) { return; }
    sel.dataset.initial = sel.value;
    if (sel.form.requestSubmit) { sel.form.requestSubmit(); } else { sel.form.submit(); }
  }
  function isAuto(t) { return t && t.matches && t.matches("select[data-autosubmit]"); }
  document.addEventListener("pointerdown", function (ev) {
    if (isAuto(ev.target)) { ev.target.dataset.keyboard = ""; }
  }, true);
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (!isAuto(t)) { return; }
    if (ev.key === "Enter") {
      ev.preventDefault();
      autosubmit(t);
    } else if (ev.key !== "Tab" && ev.key !== "Shift") {
      t.dataset.keyboard = "1";
    }
  }, true);
  document.addEventListener("focusout", function (ev) {
    if (isAuto(ev.target) && ev.target.dataset.keyboard === "1") { autosubmit(ev.target); }
  });
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (isAuto(t) && t.dataset.keyboard !== "1") { autosubmit(t); }
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
  // Without JavaScript the form posts as it is. Its messages come in the
  // page's language from the form's data attributes.
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
      say(Math.floor(100 * e.loaded / e.total) + "%" + (e.loaded === e.total ? form.dataset.checking : ""));
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
        say(form.dataset.refused.replace("%d", xhr.status));
        if (submit) { submit.disabled = false; }
      }
    });
    xhr.addEventListener("error", function () {
      say(form.dataset.lost);
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

// Copy buttons: the value stays selectable text without JavaScript; with
// it, a button copies it and says so (on the button, and to screen readers
// through the page's status region).
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll(".copy-btn[hidden]").forEach(function (b) { b.hidden = false; });
  }

  function announce(text) {
    var live = document.getElementById("announce");
    if (live) { live.textContent = ""; live.textContent = text; }
  }

  function fallbackCopy(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    return ok;
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest(".copy-btn");
    if (!btn) { return; }
    var el = document.getElementById(btn.dataset.copy);
    if (!el) { return; }
    var text = el.textContent.trim();
    var done = function () {
      var label = btn.textContent;
      btn.textContent = btn.dataset.done;
      announce(btn.dataset.done + ": " + text);
      setTimeout(function () { btn.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { if (fallbackCopy(el)) { done(); } });
    } else if (fallbackCopy(el)) {
      done();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { reveal(ev.detail && ev.detail.target || document); });
  document.addEventListener("htmx:oobAfterSwap", function (ev) { reveal(ev.detail && ev.detail.target || document); });
})();
