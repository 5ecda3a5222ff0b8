/*
 * TLMap: the platform's reusable Leaflet map (no CDN, no build step).
 *
 *   var map = window.TLMap.create(element, options);
 *
 * Reads from the element (options override them):
 *   data-tiles-url          tile URL template; empty = no tile layer (the outline layers keep the map readable)
 *   data-tiles-attribution  HTML attribution of the tiles (a setting, never user text)
 *   data-outlines-url       URL(s) of GeoJSON outline layers (regions, departments), separated by spaces
 *   data-context-url        URL(s) of thin context outlines (the communes around), separated by spaces
 *   data-geojson-url        URL of a GeoJSON to draw on top and fit the view to (the territory)
 *   data-geojson-id         id of a <script type="application/json"> holding that GeoJSON inline
 *   data-center="lat,lon", data-zoom   initial view when there is nothing to fit (default: France)
 *   data-bounds="west,south,east,north" initial view to fit (e.g. metropolitan France)
 *   data-insets             "overseas": small maps of the five overseas departments under the map, each with
 *                           the same layers and a button that shows it on the main map
 * Options: {tilesUrl, tilesAttribution, outlinesUrls: [], contextUrls: [], geojson, geojsonUrl, center: [lat, lon],
 *           zoom, bounds: [[s, w], [n, e]], insets: "overseas"|"", fit: true, style: {...}|function,
 *           onReady: function(map, layers)}
 * Returns the Leaflet map; `map.tl` holds {outlines, context: L.FeatureGroup, territory: L.GeoJSON|null,
 * insets: [{code, name, bounds, map, element}], ready: Promise}. The element also gets `element.tlMap` and fires
 * "tlmap:ready" (detail.map) once every layer is loaded. Elements with `data-tl-map` are created on page load
 * unless they also carry `data-tl-map-manual`.
 *
 * Accessibility: points of a territory are drawn as non-interactive circles (never a focusable marker without an
 * action); the map container is focusable (arrows pan, +/- zoom); the template (geo/_map.html) puts a "Passer la
 * carte" link before it and a text alternative after it.
 */
(function (window, document) {
  "use strict";

  var FRANCE = [46.6, 2.4];
  var OUTLINE_STYLES = {
    region: { color: "#000091", weight: 1.6, opacity: 0.9, fill: false },
    department: { color: "#6a6af4", weight: 0.7, opacity: 0.8, fill: false },
    commune: { color: "#666666", weight: 0.5, opacity: 0.7, fill: false },
    default: { color: "#000091", weight: 1, opacity: 0.8, fill: false }
  };
  var CONTEXT_STYLE = OUTLINE_STYLES.commune;
  var TERRITORY_STYLE = { color: "#e1000f", weight: 2.5, opacity: 1, fillColor: "#e1000f", fillOpacity: 0.12 };
  var POINT_STYLE = { radius: 8, color: "#ffffff", weight: 3, fillColor: "#e1000f", fillOpacity: 1, interactive: false };
  // [code, name, [[south, west], [north, east]]]: the overseas departments shown in insets of national maps.
  var OVERSEAS = [
    ["971", "Guadeloupe", [[15.8, -61.85], [16.55, -60.95]]],
    ["972", "Martinique", [[14.38, -61.25], [14.9, -60.8]]],
    ["973", "Guyane", [[2.1, -54.65], [5.8, -51.6]]],
    ["974", "La Réunion", [[-21.4, 55.2], [-20.85, 55.85]]],
    ["976", "Mayotte", [[-13.05, 44.95], [-12.6, 45.35]]]
  ];
  var METROPOLE = [[41.3, -5.2], [51.1, 9.6]];

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

  function splitUrls(value) { return (value || "").split(/\s+/).filter(Boolean); }

  function readOptions(element, options) {
    var data = element.dataset || {};
    var opts = {};
    var key;
    opts.tilesUrl = data.tilesUrl || "";
    opts.tilesAttribution = data.tilesAttribution || "";
    opts.outlinesUrls = splitUrls(data.outlinesUrl);
    opts.contextUrls = splitUrls(data.contextUrl);
    opts.geojsonUrl = data.geojsonUrl || "";
    opts.geojson = null;
    if (data.geojsonId) {
      var script = document.getElementById(data.geojsonId);
      if (script) { opts.geojson = JSON.parse(script.textContent); }
    }
    opts.center = data.center ? data.center.split(",").map(Number) : FRANCE;
    opts.zoom = data.zoom ? Number(data.zoom) : 5;
    opts.bounds = null;
    if (data.bounds) {
      var b = data.bounds.split(",").map(Number);
      opts.bounds = [[b[1], b[0]], [b[3], b[2]]];
    }
    opts.insets = data.insets || "";
    opts.fit = true;
    opts.style = TERRITORY_STYLE;
    for (key in (options || {})) {
      if (Object.prototype.hasOwnProperty.call(options, key)) { opts[key] = options[key]; }
    }
    return opts;
  }

  function pointToLayer(feature, latlng) {
    return window.L.circleMarker(latlng, POINT_STYLE);
  }

  function addTiles(map, opts) {
    if (opts.tilesUrl) {
      window.L.tileLayer(opts.tilesUrl, { attribution: opts.tilesAttribution, maxZoom: 18 }).addTo(map);
    }
  }

  // --- Overseas insets ------------------------------------------------------------------------------------------
  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.appendChild(document.createTextNode(content));
    return node;
  }

  function createInsets(element, main, opts) {
    var L = window.L;
    var label = element.getAttribute("aria-label") || "";
    var container = document.getElementById(element.id + "-insets");
    if (!container) {
      container = document.createElement("div");
      container.id = element.id + "-insets";
      element.parentNode.insertBefore(container, element.nextSibling);
    }
    container.className = "tl-map-insets";
    container.setAttribute("role", "group");
    container.setAttribute("aria-label", (element.dataset.insetsLabel || "Outre-mer") + " — " + label);
    return OVERSEAS.map(function (entry) {
      var code = entry[0], name = entry[1], bounds = entry[2];
      var figure = document.createElement("div");
      figure.className = "tl-map-inset";
      figure.setAttribute("data-inset", code);
      var box = document.createElement("div");
      box.className = "tl-map-inset__map";
      box.setAttribute("aria-hidden", "true");  // a picture: the button below and the page's text carry its content
      figure.appendChild(box);
      var button = text("button", "fr-btn fr-btn--tertiary-no-outline fr-btn--sm tl-map-inset__button", name);
      button.type = "button";
      button.setAttribute("aria-label", name + " — " + (element.dataset.insetAction || "afficher sur la carte principale"));
      figure.appendChild(button);
      container.appendChild(figure);
      var map = L.map(box, {
        zoomControl: false, attributionControl: false, dragging: false, keyboard: false, scrollWheelZoom: false,
        doubleClickZoom: false, boxZoom: false, touchZoom: false, tap: false, zoomSnap: 0.25
      });
      map.fitBounds(bounds, { padding: [2, 2] });
      addTiles(map, opts);
      button.addEventListener("click", function () {
        main.fitBounds(bounds, { padding: [8, 8] });
        main.getContainer().focus();
      });
      return { code: code, name: name, bounds: L.latLngBounds(bounds), map: map, element: figure, button: button };
    });
  }

  // --- The map ---------------------------------------------------------------------------------------------------
  function create(element, options) {
    if (typeof element === "string") { element = document.getElementById(element); }
    if (!element || !window.L) { return null; }
    if (element.tlMap) { return element.tlMap; }
    var opts = readOptions(element, options);
    var L = window.L;
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false, attributionControl: true, zoomSnap: 0.25 });
    L.control.zoom({
      zoomInTitle: element.dataset.zoomIn || "Zoomer", zoomOutTitle: element.dataset.zoomOut || "Dézoomer"
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    if (opts.bounds) { map.fitBounds(opts.bounds); } else { map.setView(opts.center, opts.zoom); }
    addTiles(map, opts);
    var context = L.featureGroup().addTo(map);
    var outlines = L.featureGroup().addTo(map);
    var territory = null;
    var insets = opts.insets === "overseas" ? createInsets(element, map, opts) : [];
    map.tl = { outlines: outlines, context: context, territory: null, insets: insets, ready: null };

    function eachMap(callback) {
      callback(map, true);
      insets.forEach(function (inset) { callback(inset.map, false); });
    }

    function addTerritory(geojson) {
      if (!geojson) { return; }
      eachMap(function (target, isMain) {
        var layer = L.geoJSON(geojson, { style: opts.style, interactive: false, pointToLayer: pointToLayer }).addTo(target);
        if (isMain) { territory = layer; map.tl.territory = layer; }
      });
      if (opts.fit && territory.getBounds().isValid()) {
        map.fitBounds(territory.getBounds(), { padding: [12, 12], maxZoom: 13 });
      }
    }

    function addOutlines(geojson, style, group) {
      eachMap(function (target, isMain) {
        var layer = L.geoJSON(geojson, { style: style, interactive: false });
        if (isMain) { layer.addTo(group); group.bringToBack(); } else { layer.addTo(target); layer.bringToBack(); }
      });
    }

    // Each layer loads on its own: one that fails (logged) never hides the others nor makes the map ready early.
    function load(url, draw) {
      return fetchJson(url).then(draw).catch(function (error) {
        if (window.console) { window.console.warn(error); }
      });
    }
    var loads = opts.outlinesUrls.map(function (url) {
      return load(url, function (geojson) { addOutlines(geojson, outlineStyle, outlines); });
    }).concat(opts.contextUrls.map(function (url) {
      return load(url, function (geojson) { addOutlines(geojson, CONTEXT_STYLE, context); });
    }));
    if (opts.geojson) {
      addTerritory(opts.geojson);
    } else if (opts.geojsonUrl) {
      loads.push(load(opts.geojsonUrl, addTerritory));
    }
    map.tl.ready = Promise.all(loads).then(function () {
      context.bringToBack();
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

  window.TLMap = {
    create: create, autoInit: autoInit, OUTLINE_STYLES: OUTLINE_STYLES, TERRITORY_STYLE: TERRITORY_STYLE,
    OVERSEAS: OVERSEAS, METROPOLE: METROPOLE, text: text
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoInit(); });
  } else {
    autoInit();
  }
}(window, document));
