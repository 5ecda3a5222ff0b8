/*
 * A list of communes chosen one by one (geo/forms.py CommuneListWidget) with the commune combobox
 * (geo/tl-commune.js). Without this script each chosen commune is a checked box posting its INSEE code, and the
 * box takes names, postcodes or codes separated by commas.
 *
 * Markup: <div data-tl-commune-list data-name="…" data-remove="Retirer" data-added="{label} …"
 *              data-already="{label} …" data-removed="{label} …">
 *           <div data-tl-commune>…the combobox…</div>
 *           <p data-tl-commune-list-empty>…</p>
 *           <ul data-tl-commune-list-items><li data-insee="…" data-label="…">…checkbox…</li></ul>
 *           <p role="status" data-tl-commune-list-status></p></div>
 * Each commune becomes its name, a hidden input (the INSEE code, posted under data-name) and a "Retirer"
 * button named after the commune; removing one moves the focus to the next button, or back to the box. Choosing
 * a commune in the combobox ("tl:commune") adds it and empties the box for the next one. Text nodes only.
 */
(function (window, document) {
  "use strict";

  function init(root) {
    if (root.tlCommuneList) { return; }
    var list = root.querySelector("[data-tl-commune-list-items]");
    var empty = root.querySelector("[data-tl-commune-list-empty]");
    var status = root.querySelector("[data-tl-commune-list-status]");
    var box = root.querySelector("[data-tl-commune] input:not([type=hidden])");
    var code = root.querySelector("[data-tl-commune-code]");
    if (!list || !box || !code) { return; }

    function say(template, label) { status.textContent = (template || "").replace("{label}", label); }

    function refresh() { empty.hidden = list.children.length > 0; }

    function find(insee) {
      return Array.prototype.filter.call(list.children, function (li) { return li.dataset.insee === insee; })[0];
    }

    function remove(li) {
      var next = li.nextElementSibling || li.previousElementSibling;
      var label = li.dataset.label;
      li.parentNode.removeChild(li);
      refresh();
      say(root.dataset.removed, label);
      (next ? next.querySelector("button") : box).focus();
    }

    function item(insee, label) {
      var li = document.createElement("li");
      li.className = "tl-commune-list__item";
      li.dataset.insee = insee;
      li.dataset.label = label;
      var name = document.createElement("span");
      name.className = "tl-commune-list__name";
      name.appendChild(document.createTextNode(label));
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = root.dataset.name;
      input.value = insee;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fr-btn fr-btn--sm fr-btn--tertiary fr-icon-close-line fr-btn--icon-left";
      button.appendChild(document.createTextNode(root.dataset.remove || ""));
      var hint = document.createElement("span");
      hint.className = "fr-sr-only";
      hint.appendChild(document.createTextNode(" " + label));
      button.appendChild(hint);
      button.addEventListener("click", function () { remove(li); });
      li.appendChild(name);
      li.appendChild(input);
      li.appendChild(button);
      return li;
    }

    Array.prototype.slice.call(list.children).forEach(function (li) {
      var checkbox = li.querySelector("input[type=checkbox]");
      if (checkbox && checkbox.checked) {
        list.replaceChild(item(checkbox.value, li.dataset.label), li);
      } else {
        list.removeChild(li);
      }
    });
    refresh();

    box.addEventListener("tl:commune", function (event) {
      var data = event.detail;
      if (find(data.insee)) {
        say(root.dataset.already, data.label);
      } else {
        list.appendChild(item(data.insee, data.label));
        refresh();
        say(root.dataset.added, data.label);
      }
      box.value = "";
      code.value = "";
    });
    root.tlCommuneList = { remove: remove };
  }

  function autoInit(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-tl-commune-list]"), init);
  }

  window.TLCommuneList = { init: init, autoInit: autoInit };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoInit(); });
  } else {
    autoInit();
  }
}(window, document));
