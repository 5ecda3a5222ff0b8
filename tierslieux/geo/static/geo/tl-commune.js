/*
 * The commune autocomplete (geo/forms.py CommuneWidget): an ARIA 1.2 combobox with a list box.
 * Without this script the field is a plain text input resolved on the server.
 *
 * Markup: <div data-tl-commune data-suggestions-url="…" data-list-label="…" data-status-one="…"
 *              data-status-many="… {n} …" data-status-none="…"><input …><input type="hidden" data-tl-commune-code></div>
 * (the texts come from the template, translated).
 * The suggestions URL answers [{insee, name, label, detail, lon, lat}] for ?q=. Choosing a commune writes its
 * label in the input and its INSEE code in the hidden input, and fires "tl:commune" (detail: the suggestion)
 * on the input, bubbling, so that a map picker of the same form can centre on it. Options are built with
 * text nodes only: nothing typed or received is ever read as HTML.
 */
(function (window, document) {
  "use strict";

  var counter = 0;

  function init(root) {
    if (root.tlCombobox) { return; }
    var input = root.querySelector("input:not([type=hidden])");
    var code = root.querySelector("[data-tl-commune-code]");
    if (!input || !code) { return; }
    counter += 1;
    var listId = (input.id || "tl-commune-" + counter) + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "tl-combobox__listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", root.dataset.listLabel || "");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    root.appendChild(list);
    root.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var options = [];
    var active = -1;
    var timer = null;
    var request = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (item, i) { item.element.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = options[index];
      if (!item) { return; }
      input.value = item.data.label;
      code.value = item.data.insee;
      close();
      status.textContent = item.data.label + " — " + item.data.detail;
      input.dispatchEvent(new CustomEvent("tl:commune", { bubbles: true, detail: item.data }));
    }

    function render(results) {
      list.textContent = "";
      options = results.map(function (data, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "tl-combobox__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(document.createTextNode(data.label));
        var detail = document.createElement("span");
        detail.className = "tl-combobox__detail";
        detail.appendChild(document.createTextNode(data.detail));
        li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
        return { element: li, data: data };
      });
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = options.length === 1
          ? root.dataset.statusOne
          : (root.dataset.statusMany || "{n}").replace("{n}", String(options.length));
      } else {
        close();
        status.textContent = root.dataset.statusNone || "";
      }
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2) { close(); options = []; return; }
      request += 1;
      var mine = request;
      var url = root.dataset.suggestionsUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (results) { if (mine === request) { render(results || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      code.value = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(); return; }
        highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        highlight(active - 1 < 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    root.tlCombobox = { close: close, search: search };
  }

  function autoInit(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-tl-commune]"), init);
  }

  window.TLCommune = { init: init, autoInit: autoInit };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoInit(); });
  } else {
    autoInit();
  }
}(window, document));
