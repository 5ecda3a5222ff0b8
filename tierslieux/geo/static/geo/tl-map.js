/*
 * TLMap: the platform's reusable Leaflet map (no CDN, no build step).
 *
 *   var map = window.TLMap.create(element, options);
 *
 * Reads from the element (options override them):
 *   data-tiles-url          tile URL template; empty = no tile layer (the outline layer keeps the map readable)
 *   data-tiles-attribution  HTML attribution of the tiles
 *   data-outlines-url       URL(s) of GeoJSON outline layers (regions, departments), separated by spaces
 *   data-geojson-url        URL of a GeoJSON to draw on top and fit the view to (the territory)
 *   data-geojson-id         id of a <script type="application/json"> holding that GeoJSON inline
 *   data-center="lat,lon", data-zoom   initial view when there is nothing to fit (default: France)
 * Options: {tilesUrl, tilesAttribution, outlinesUrls: [], geojson, geojsonUrl, center: [lat, lon], zoom,
 *           fit: true, style: {...}, onReady: function(map, layers)}
 * Returns the Leaflet map; `map.tl` holds {outlines: L.FeatureGroup, territory: L.GeoJSON|null,
 * ready: Promise}. The element also gets `element.tlMap` and fires a "tlmap:ready" event (detail.map)
 * once every layer is loaded. Elements with `data-tl-map` are created automatically on page load
 * unless they also carry `data-tl-map-manual`.
 */
(function (window, document) {
  "use strict";

  var FRANCE = [46.6, 2.4];
  var OUTLINE_STYLES = {
    region: { color: "#000091", weight: 1.6, opacity: 0.9, fill: false },
    department: { color: "#6a6af4", weight: 0.7, opacity: 0.8, fill: false },
    default: { color: "#000091", weight: 1, opacity: 0.8, fill: false }
  };
  var TERRITORY_STYLE = { color: "#e1000f", weight: 2.5, opacity: 1, fillColor: "#e1000f", fillOpacity: 0.12 };

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("TLMap: " + url + " answered " + response.status); }
        return response.json();
      });
  }

  function outlineStyle(feature) {
    var level = feature && feature.properties && feature.properties.level;
    return OUTLINE_STYLES[level] || OUTLINE_STYLES.default;
  }

  function readOptions(element, options) {
    var data = element.dataset || {};
    var opts = {};
    var key;
    opts.tilesUrl = data.tilesUrl || "";
    opts.tilesAttribution = data.tilesAttribution || "";
    opts.outlinesUrls = (data.outlinesUrl || "").split(/\s+/).filter(Boolean);
    opts.geojsonUrl = data.geojsonUrl || "";
    opts.geojson = null;
    if (data.geojsonId) {
      var script = document.getElementById(data.geojsonId);
      if (script) { opts.geojson = JSON.parse(script.textContent); }
    }
    opts.center = data.center ? data.center.split(",").map(Number) : FRANCE;
    opts.zoom = data.zoom ? Number(data.zoom) : 5;
    opts.fit = true;
    opts.style = TERRITORY_STYLE;
    for (key in (options || {})) {
      if (Object.prototype.hasOwnProperty.call(options, key)) { opts[key] = options[key]; }
    }
    return opts;
  }

  function create(element, options) {
    if (typeof element === "string") { element = document.getElementById(element); }
    if (!element || !window.L) { return null; }
    if (element.tlMap) { return element.tlMap; }
    var opts = readOptions(element, options);
    var L = window.L;
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false, attributionControl: true });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.setView(opts.center, opts.zoom);
    if (opts.tilesUrl) {
      L.tileLayer(opts.tilesUrl, { attribution: opts.tilesAttribution, maxZoom: 18 }).addTo(map);
    }
    var outlines = L.featureGroup().addTo(map);
    var territory = null;
    map.tl = { outlines: outlines, territory: null, ready: null };

    function addTerritory(geojson) {
      if (!geojson) { return; }
      territory = L.geoJSON(geojson, { style: opts.style, interactive: false }).addTo(map);
      map.tl.territory = territory;
      if (opts.fit && territory.getBounds().isValid()) {
        map.fitBounds(territory.getBounds(), { padding: [12, 12], maxZoom: 13 });
      }
    }

    var loads = opts.outlinesUrls.map(function (url) {
      return fetchJson(url).then(function (geojson) {
        L.geoJSON(geojson, { style: outlineStyle, interactive: false }).addTo(outlines);
        outlines.bringToBack();
      });
    });
    if (opts.geojson) {
      addTerritory(opts.geojson);
    } else if (opts.geojsonUrl) {
      loads.push(fetchJson(opts.geojsonUrl).then(addTerritory));
    }
    map.tl.ready = Promise.all(loads).catch(function (error) {
      if (window.console) { window.console.warn(error); }
    }).then(function () {
      if (territory) { territory.bringToFront(); }
      element.setAttribute("data-tl-map-ready", "true");
      if (typeof opts.onReady === "function") { opts.onReady(map, map.tl); }
      element.dispatchEvent(new CustomEvent("tlmap:ready", { detail: { map: map } }));
      return map;
    });
    element.tlMap = map;
    return map;
  }

  function autoInit(root) {
    var elements = (root || document).querySelectorAll("[data-tl-map]:not([data-tl-map-manual])");
    Array.prototype.forEach.call(elements, function (element) { create(element); });
  }

  window.TLMap = { create: create, autoInit: autoInit, OUTLINE_STYLES: OUTLINE_STYLES, TERRITORY_STYLE: TERRITORY_STYLE };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoInit(); });
  } else {
    autoInit();
  }
}(window, document));
