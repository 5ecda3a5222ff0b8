/* Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy allows no inline
 * script, handler or style:
 * - htmx sends the CSRF token read from <meta name="csrf-token"> (the cookie is HttpOnly);
 * - [data-tl-colour] elements (legend swatches) get their colour through the CSSOM, not a style attribute;
 * - the header search: the down arrow moves into the suggestions, Escape closes them;
 * - [data-tl-dismiss] buttons remove the notice they belong to. */
(function (window, document) {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function paint(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-tl-colour]"), function (element) {
      element.style.background = element.getAttribute("data-tl-colour");
    });
  }

  function headerSearch() {
    var input = document.getElementById("header-search-input");
    var box = document.getElementById("header-search-suggestions");
    if (!input || !box) { return; }
    function links() { return Array.prototype.slice.call(box.querySelectorAll("a")); }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
      if (event.key === "Escape") { box.replaceChildren(); }
    });
    box.addEventListener("keydown", function (event) {
      var items = links();
      var index = items.indexOf(document.activeElement);
      if (index < 0) { return; }
      if (event.key === "ArrowDown" && index < items.length - 1) { event.preventDefault(); items[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? items[index - 1] : input).focus(); }
      if (event.key === "Escape") { box.replaceChildren(); input.focus(); }
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });
  document.addEventListener("htmx:load", function (event) { paint(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-tl-dismiss]") : null;
    if (!button) { return; }
    var target = button.closest(button.getAttribute("data-tl-dismiss"));
    if (target) { target.remove(); }
  });

  function start() { paint(document); headerSearch(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}(window, document));
