/*
 * Diagnostic page: the choropleth (features coloured by their "colour" property) and, for programme staff,
 * the what-if preview on a click of the map (submits the hidden #what-if-point form through htmx).
 */
(function (window, document) {
  "use strict";

  // Each class is drawn with its colour and its pattern (diagnostic/_patterns.html): colour is never the only cue.
  function style(feature) {
    var p = (feature && feature.properties) || {};
    var fill = p["class"] !== undefined && document.getElementById("tl-dist-" + p["class"]) ? "url(#tl-dist-" + p["class"] + ")" : (p.colour || "#929292");
    return { color: "#3a3a3a", weight: 0.6, opacity: 0.9, fillColor: fill, fillOpacity: 0.9 };
  }

  function init() {
    var element = document.getElementById("carte-diagnostic");
    if (!element || !window.TLMap) { return; }
    // France: the mainland in the main map (data-bounds), the overseas departments in their insets.
    var scope = element.closest("[data-map-fit]");
    var fit = !scope || scope.getAttribute("data-map-fit") !== "false";
    var map = window.TLMap.create(element, { style: style, fit: fit });
    if (!map) { return; }
    var form = document.getElementById("what-if-point");
    if (!form) { return; }
    var marker = null;
    element.setAttribute("data-what-if", "true");
    map.on("click", function (event) {
      var lon = event.latlng.lng, lat = event.latlng.lat;
      document.getElementById("what-if-lon").value = lon.toFixed(6);
      document.getElementById("what-if-lat").value = lat.toFixed(6);
      if (marker) { marker.remove(); }
      marker = window.L.circleMarker(event.latlng, { radius: 7, color: "#000091", weight: 3, fillOpacity: 0.2 }).addTo(map);
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  }

  // After a preview, outline on the map the communes that would leave the white zone.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var element = document.getElementById("carte-diagnostic");
    if (!target || target.id !== "what-if-result" || !element || !element.tlMap) { return; }
    var preview = document.getElementById("what-if-preview");
    var leaving = preview ? (preview.getAttribute("data-leaving") || "").split(/\s+/).filter(Boolean) : [];
    var layer = element.tlMap.tl.territory;
    if (!layer) { return; }
    layer.eachLayer(function (item) {
      var code = item.feature && item.feature.properties && item.feature.properties.code;
      var out = leaving.indexOf(code) >= 0;
      item.setStyle(out ? { color: "#000091", weight: 3, dashArray: "4 3" } : { color: "#3a3a3a", weight: 0.6, dashArray: null });
    });
  });

  // A rejected what-if (400) still shows its French message in the result area.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.id === "what-if-result") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}(window, document));
