/* Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy allows no inline
 * script, handler or style:
 * - htmx sends the CSRF token read from <meta name="csrf-token"> (the cookie is HttpOnly);
 * - [data-tl-colour] elements (legend swatches) get their colour through the CSSOM, not a style attribute;
 * - the header search: the down arrow moves into the suggestions, Escape closes them;
 * - [data-tl-dismiss] buttons remove the notice they belong to;
 * - a table wider than the screen scrolls in its own box: that box takes keyboard focus (tabindex=0) so that it
 *   can be scrolled without a mouse (RGAA 7.3, axe "scrollable-region-focusable"); checked on load, on resize and
 *   after every htmx swap. */
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

  function scrollers(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(".fr-table table, .fr-table__content"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-tl-scroll", "");
      } else if (!scrolls && box.hasAttribute("data-tl-scroll")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-tl-scroll");
      }
    });
  }
  var pendingScrollers;
  function scrollersLater() {
    window.clearTimeout(pendingScrollers);
    pendingScrollers = window.setTimeout(function () { scrollers(); }, 100);
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

  window.addEventListener("load", function () { scrollers(); });
  window.addEventListener("resize", scrollersLater);
  document.addEventListener("htmx:afterSettle", scrollersLater);

  function start() { paint(document); headerSearch(); scrollers(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  window.TLPage = { scrollers: scrollers };
}(window, document));
