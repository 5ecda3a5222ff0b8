/* Map of a selection scenario: candidates (selected / not selected) over the target communes (already
 * covered, newly covered, white zones). Data: <script type="application/json" id="selection-geojson">.
 * The table of the page is the accessible alternative; without JavaScript the page stays complete. */
(function (window, document) {
  "use strict";
  var STYLES = {
    selected: { radius: 7, color: "#000091", fillColor: "#000091", fillOpacity: 0.9, weight: 2 },
    candidate: { radius: 6, color: "#3a3a3a", fillColor: "#ffffff", fillOpacity: 1, weight: 2 },
    existing: { radius: 6, color: "#18753c", fillColor: "#18753c", fillOpacity: 0.9, weight: 2 },
    covered: { radius: 3, color: "#18753c", fillColor: "#18753c", fillOpacity: 0.4, weight: 0 },
    newly: { radius: 4, color: "#6a6af4", fillColor: "#6a6af4", fillOpacity: 0.7, weight: 0 },
    white: { radius: 4, color: "#e1000f", fillColor: "#e1000f", fillOpacity: 0.5, weight: 0 }
  };
  function start() {
    var element = document.getElementById("carte-selection");
    var source = document.getElementById("selection-geojson");
    if (!element || !source || !window.TLMap || !window.L) { return; }
    var data = JSON.parse(source.textContent);
    var L = window.L;
    window.TLMap.create(element, {
      onReady: function (map) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, STYLES[feature.properties.kind] || STYLES.candidate);
          },
          onEachFeature: function (feature, marker) {
            var p = feature.properties;
            var text = p.name + (p.population !== undefined ? " (" + Number(p.population).toLocaleString("fr-FR") + " hab.)" : "");
            // Names are typed by applicants: a DOM text node, never a string Leaflet would parse as HTML.
            var label = document.createElement("span");
            label.textContent = text;
            marker.bindTooltip(label);
          }
        }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 11 }); }
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}(window, document));
