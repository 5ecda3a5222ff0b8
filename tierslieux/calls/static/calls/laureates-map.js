/* The laureates map: two layers on the platform's map (geo/tl-map.js) — the laureates of the calls and the
   historical labelled Fabriques — with a layer switch. Tooltips are built from text nodes: no name ever reaches
   the page as HTML. */
(function () {
  "use strict";
  var element = document.getElementById("laureates-map");
  if (!element || !window.TLMap || !window.L) { return; }
  function read(id) {
    var script = document.getElementById(id);
    return script ? JSON.parse(script.textContent) : { type: "FeatureCollection", features: [] };
  }
  function tooltip(feature) {
    var box = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = feature.properties.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(feature.properties.commune + (feature.properties.wave ? " — " + feature.properties.wave : "")));
    return box;
  }
  function layer(geojson, colour, radius) {
    return window.L.geoJSON(geojson, {
      pointToLayer: function (feature, latlng) {
        return window.L.circleMarker(latlng, { radius: radius, color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, marker) { marker.bindTooltip(tooltip(feature)); }
    });
  }
  var map = window.TLMap.create(element, { fit: false });
  var historical = layer(read("historical-layer"), "#e4794a", 4).addTo(map);
  var laureates = layer(read("laureates-layer"), "#000091", 7).addTo(map);
  var labels = (document.getElementById("laureates-map-legend") || element).dataset;
  function escaped(text) {  // Leaflet's layer switch reads its labels as HTML
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }
  var overlays = {};
  overlays[escaped(labels.laureatesLabel)] = laureates;
  overlays[escaped(labels.historicalLabel)] = historical;
  window.L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  laureates.bringToFront();
  element.setAttribute("data-laureates-count", String(laureates.getLayers().length));
  element.setAttribute("data-historical-count", String(historical.getLayers().length));
})();
