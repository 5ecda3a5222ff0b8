/* Autosave safety net: what is typed in a step form is also kept in this browser (localStorage) until the
   server confirms it is saved. After a network error, an expired session or a closed tab, the next visit of
   the step offers to restore it. Without JavaScript the plain form submit still works. */
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form || !window.localStorage) { return; }
  var key = "tl-autosave:" + form.dataset.autosaveKey;
  var skipped = { csrfmiddlewaretoken: true, revision: true, tab: true, go: true };

  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !skipped[el.name] && el.type !== "submit" && el.type !== "button") { data[el.name] = el.value; }
    });
    return data;
  }
  function keep() {
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or disabled */ }
  }
  function forget() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved) {
    var differs = Object.keys(saved).some(function (name) {
      var el = form.elements[name];
      return el && typeof el.value === "string" && el.value !== saved[name];
    });
    if (differs) {
      var banner = document.getElementById("autosave-restore");
      banner.hidden = false;
      banner.querySelector("[data-restore]").addEventListener("click", function () {
        Object.keys(saved).forEach(function (name) {
          var el = form.elements[name];
          if (el && typeof el.value === "string") { el.value = saved[name]; }
        });
        banner.hidden = true;
        form.dispatchEvent(new Event("change", { bubbles: true }));
      });
      banner.querySelector("[data-forget]").addEventListener("click", function () {
        forget();
        banner.hidden = true;
      });
    } else {
      forget();
    }
  }
  form.addEventListener("input", keep);
  // A failed autosave says so in the status region (text from the form's data attributes, as a text node).
  function showError(message) {
    if (!message) { return; }
    var status = document.getElementById("autosave-status");
    var p = document.createElement("p");
    p.className = "fr-error-text";
    p.textContent = message;
    status.replaceChildren(p);
  }
  form.addEventListener("htmx:sendError", function () { showError(form.dataset.autosaveSendError); });
  form.addEventListener("htmx:responseError", function () { showError(form.dataset.autosaveResponseError); });

  // After a refused save (server side, without JavaScript's autosave), focus goes to the error summary.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // An autosave answer lists the fields it refused (#autosave-field-errors, its data-errors attribute: {field
  // id: message}; not a JSON <script>, which htmx removes from swapped content): mark them invalid with their
  // message, and clear the fields it no longer refuses.
  function markFields() {
    var data = document.getElementById("autosave-field-errors");
    if (!data) { return; }
    var errors = {};
    try { errors = JSON.parse(data.getAttribute("data-errors") || "{}") || {}; } catch (e) { errors = {}; }
    Array.prototype.forEach.call(form.querySelectorAll(".fr-input, .fr-select"), function (input) {
      var group = input.closest(".fr-input-group, .fr-select-group");
      var message = input.id ? errors[input.id] : undefined;
      var note = document.getElementById(input.id + "-error");
      if (message) {
        if (!note) {
          note = document.createElement("p");
          note.className = "fr-error-text";
          note.id = input.id + "-error";
          input.parentNode.insertBefore(note, input.nextSibling);
        }
        note.textContent = message;
        if (input.dataset.describedby === undefined) {
          input.dataset.describedby = (input.getAttribute("aria-describedby") || "").replace(note.id, "").trim();
        }
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", (input.dataset.describedby + " " + note.id).trim());
        if (group) { group.classList.add(group.classList.contains("fr-select-group") ? "fr-select-group--error" : "fr-input-group--error"); }
      } else if (input.getAttribute("aria-invalid") === "true") {
        if (note) { note.parentNode.removeChild(note); }
        input.removeAttribute("aria-invalid");
        var original = input.dataset.describedby !== undefined ? input.dataset.describedby
          : (input.getAttribute("aria-describedby") || "").replace(input.id + "-error", "").trim();
        if (original) { input.setAttribute("aria-describedby", original); } else { input.removeAttribute("aria-describedby"); }
        if (group) { group.classList.remove("fr-input-group--error", "fr-select-group--error"); }
      }
    });
  }
  document.body.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "autosave-status") { markFields(); }
  });
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    var xhr = evt.detail.xhr;
    if (evt.detail.elt === form && evt.detail.successful && xhr && xhr.responseText.indexOf("Enregistré à") >= 0) {
      var current = JSON.stringify(snapshot());
      var stored = null;
      try { stored = localStorage.getItem(key); } catch (e) { stored = null; }
      if (stored === current) { forget(); }
    }
  });
})();
