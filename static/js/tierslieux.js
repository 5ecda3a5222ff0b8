/* Platform behaviours every page shares (loaded by base.html).
 * - A table wider than the screen scrolls in its own box: that box takes keyboard focus (tabindex=0) so that it
 *   can be scrolled without a mouse (RGAA 7.3, axe "scrollable-region-focusable"); checked on load, on resize and
 *   after every htmx swap. */
(function (window, document) {
  "use strict";
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
  var pending;
  function later() { window.clearTimeout(pending); pending = window.setTimeout(function () { scrollers(); }, 100); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", function () { scrollers(); }); } else { scrollers(); }
  window.addEventListener("load", function () { scrollers(); });
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
  window.TLPage = { scrollers: scrollers };
}(window, document));
