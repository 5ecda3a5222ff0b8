/*
 * Atlas: the map and the list share the filter form. Without JavaScript the form submits and the list is
 * rendered by the server. With it: changing a filter updates the URL (history.pushState, so links are
 * shareable and the back button works), reloads the list through htmx and the map clusters from the API.
 *
 * The map only ever shows what is in view: the main map the clusters of its bounding box, each overseas inset
 * those of its department. Every marker is a keyboard button with a name ("4 lieux — zoomer", "La Ruche —
 * aperçu du lieu"): Enter or Space zooms on a cluster (focus then goes to the map, a status message says what
 * is shown) or opens the preview of a place (focus goes to its link; Escape closes it and focus comes back).
 * Markers never move the map when they get focus. No user text is ever parsed as HTML (text nodes only).
 *
 * Small screens (under 48em): a "Carte / Liste" switch shows one of them, and the filters fold under a button.
 */
(function (window, document) {
  "use strict";

  var form = document.getElementById("atlas-filters");
  var element = document.getElementById("atlas-map");
  var config = document.getElementById("atlas-map-config");
  if (!form || !element || !config || !window.TLMap) { return; }
  var colours = JSON.parse(document.getElementById("atlas-type-colours").textContent);
  var words = config.dataset;
  var clustersUrl = config.dataset.clustersUrl;
  var atlasUrl = form.getAttribute("action");
  var status = document.getElementById("atlas-map-status");
  var L = window.L;

  var map = window.TLMap.create(element, { fit: false });
  var layer = L.layerGroup().addTo(map);
  var insetLayers = map.tl.insets.map(function (inset) { return L.layerGroup().addTo(inset.map); });
  var request = 0;
  var popup = null;
  var popupReturn = null;

  function filterQuery() {
    var params = new URLSearchParams(new FormData(form));
    var clean = new URLSearchParams();
    params.forEach(function (value, key) { if (value !== "") { clean.append(key, value); } });
    return clean;
  }

  function hasFilters() { return filterQuery().toString() !== ""; }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return values[key] !== undefined ? values[key] : match; });
  }

  function announce(message) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function formatCount(count) { return Number(count).toLocaleString("fr-FR"); }

  // --- Markers -------------------------------------------------------------------------------------------------
  function onActivate(marker, action) {
    marker.on("click", action);
    marker.on("add", function () {
      var icon = marker.getElement();
      if (!icon) { return; }
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          event.stopPropagation();
          action();
        }
      });
    });
  }

  function markerKey(feature) {
    var p = feature.properties;
    return p.cluster ? "c:" + feature.geometry.coordinates.join(",") + ":" + p.count : "p:" + p.id;
  }

  function clusterMarker(feature, interactive) {
    var p = feature.properties;
    var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    var size = Math.round(26 + Math.min(30, Math.log(p.count) * 5));
    var icon = document.createElement("span");
    icon.className = "tl-cluster";
    icon.style.width = size + "px";
    icon.style.height = size + "px";
    icon.style.background = colours[p.type] || "#3a3a3a";
    icon.setAttribute("aria-hidden", "true");
    icon.appendChild(document.createTextNode(String(p.count)));
    var name = fill(words.clusterName || "{count} lieux — zoomer", { count: formatCount(p.count) });
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: "tl-marker", iconSize: [size, size], html: icon }),
      keyboard: interactive, interactive: interactive, autoPanOnFocus: false, title: interactive ? name : ""
    });
    if (!interactive) { return marker; }
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", name); });
    onActivate(marker, function () {
      var b = p.bounds;
      var zoomTo = function () {
        if (b[0] === b[2] && b[1] === b[3]) {
          map.setView(latlng, p.expansion_zoom);
        } else {
          map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: p.expansion_zoom + 2 });
        }
      };
      pendingFocus = "map";
      pendingAnnounce = fill(words.zoomedOn || "Zoom sur {count} lieux.", { count: formatCount(p.count) });
      zoomTo();
    });
    return marker;
  }

  function placeMarker(feature, interactive) {
    var p = feature.properties;
    var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    var dot = document.createElement("span");
    dot.className = "tl-place-dot";
    dot.style.background = colours[p.type] || "#3a3a3a";
    dot.setAttribute("aria-hidden", "true");
    var name = fill(words.placeName || "{name} — aperçu du lieu", { name: p.name });
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: "tl-marker", iconSize: [18, 18], html: dot }),
      keyboard: interactive, interactive: interactive, autoPanOnFocus: false, title: interactive ? p.name : ""
    });
    if (!interactive) { return marker; }
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", name); });
    onActivate(marker, function () { openPreview(p, latlng, marker); });
    return marker;
  }

  function openPreview(p, latlng, marker) {
    var box = document.createElement("div");
    box.className = "tl-place-preview";
    var link = document.createElement("a");
    link.href = atlasUrl + "?q=" + encodeURIComponent(p.name);
    link.appendChild(document.createTextNode(p.name));
    box.appendChild(link);
    var where = document.createElement("p");
    where.className = "fr-text--sm fr-mb-0";
    box.appendChild(where);
    popupReturn = marker.getElement();
    popup = L.popup({ autoPan: false, closeButton: true }).setLatLng(latlng).setContent(box).openOn(map);
    var closer = popup.getElement() && popup.getElement().querySelector(".leaflet-popup-close-button");
    if (closer) { closer.setAttribute("aria-label", words.close || "Fermer"); closer.removeAttribute("title"); }
    link.focus();
    fetch(clustersUrl.replace(/clusters\/?$/, p.id), { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (detail) {
        link.href = detail.properties.url;
        where.textContent = detail.properties.commune || "";
      });
  }

  map.on("popupclose", function () {
    popup = null;
    if (popupReturn && document.body.contains(popupReturn)) { popupReturn.focus(); }
    popupReturn = null;
  });
  element.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && popup) { map.closePopup(); }
  });

  // --- Drawing -------------------------------------------------------------------------------------------------
  var pendingFocus = null;
  var pendingAnnounce = "";

  function draw(target, data, interactive) {
    var focused = document.activeElement;
    var focusedKey = focused && focused.getAttribute && focused.getAttribute("data-marker-key");
    target.clearLayers();
    var again = null;
    data.features.forEach(function (feature) {
      var marker = feature.properties.cluster ? clusterMarker(feature, interactive) : placeMarker(feature, interactive);
      marker.addTo(target);
      var icon = marker.getElement();
      if (icon) {
        var key = markerKey(feature);
        icon.setAttribute("data-marker-key", key);
        if (!interactive) { icon.setAttribute("aria-hidden", "true"); }
        if (focusedKey && key === focusedKey) { again = icon; }
      }
    });
    if (interactive && focusedKey) {
      // The marker that had focus was redrawn: give focus back to it, or to the map itself.
      (again || map.getContainer()).focus();
    }
  }

  function drawMain(data) {
    draw(layer, data, true);
    element.setAttribute("data-markers", String(data.features.length));
    if (pendingFocus === "map") { map.getContainer().focus(); }
    if (pendingAnnounce) {
      var shown = data.features.reduce(function (sum, f) { return sum + f.properties.count; }, 0);
      var shownText = shown < 2 ? words.shownOne || "{count} lieu affiché sur la carte." : words.shown || "{count} lieux affichés sur la carte.";
      announce(pendingAnnounce + " " + fill(shownText, { count: formatCount(shown) }));
    }
    pendingFocus = null;
    pendingAnnounce = "";
    if (window.performance && performance.mark && !performance.getEntriesByName("atlas:first-markers").length) {
      performance.mark("atlas:first-markers");
    }
    element.dispatchEvent(new CustomEvent("atlas:clusters", { detail: data }));
  }

  function bboxOf(bounds) {
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(function (v) {
      return v.toFixed(4);
    }).join(",");
  }

  function fetchClusters(params) {
    return fetch(clustersUrl + "?" + params.toString(), { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); });
  }

  function refreshMap() {
    var params = filterQuery();
    params.set("bbox", bboxOf(map.getBounds()));
    params.set("zoom", String(Math.floor(map.getZoom())));
    var mine = ++request;
    fetchClusters(params).then(function (data) { if (mine === request) { drawMain(data); } });
  }

  function refreshInsets() {
    map.tl.insets.forEach(function (inset, k) {
      var params = filterQuery();
      params.set("bbox", bboxOf(inset.bounds));
      params.set("zoom", String(Math.floor(inset.map.getZoom())));
      fetchClusters(params).then(function (data) { draw(insetLayers[k], data, false); });
    });
  }

  // After a change of filters, the view fits the places found (then moveend loads the clusters in view).
  function fitToFilters() {
    var params = filterQuery();
    params.set("zoom", "5");
    fetchClusters(params).then(function (data) {
      var bounds = L.latLngBounds([]);
      data.features.forEach(function (feature) {
        var b = feature.properties.bounds;
        var c = feature.geometry.coordinates;
        if (b) { bounds.extend([b[1], b[0]]); bounds.extend([b[3], b[2]]); } else { bounds.extend([c[1], c[0]]); }
      });
      var before = map.getBounds().toBBoxString() + map.getZoom();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
      if (map.getBounds().toBBoxString() + map.getZoom() === before) { refreshMap(); }
    });
  }

  // The list is long: after it is reloaded, only its heading (the count) is announced.
  var listStatus = document.getElementById("atlas-list-status");
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!listStatus || event.detail.target.id !== "atlas-results") { return; }
    var count = document.getElementById("atlas-count");
    listStatus.textContent = count ? count.textContent.replace(/\s+/g, " ").trim() : "";
  });

  function refreshList(query) {
    window.htmx.ajax("GET", atlasUrl + (query ? "?" + query : ""), { target: "#atlas-results", swap: "innerHTML" });
  }

  function apply(push) {
    var query = filterQuery().toString();
    if (push) { window.history.pushState({ atlas: query }, "", atlasUrl + (query ? "?" + query : "")); }
    refreshList(query);
    refreshInsets();
    if (hasFilters()) { fitToFilters(); } else { map.fitBounds(window.TLMap.METROPOLE); refreshMap(); }
  }

  function fillForm(query) {
    var params = new URLSearchParams(query);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) { return; }
      var values = params.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1 || (field.value === "on" && values.length > 0);
      } else if (field.tagName === "SELECT" || field.type !== "submit") {
        field.value = values.length ? values[0] : "";
      }
    });
  }

  var debounce;
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text" && event.target.type !== "search") { return; }
    window.clearTimeout(debounce);
    debounce = window.setTimeout(function () { apply(true); }, 350);
  });
  // A commune chosen in the "Autour de" autocomplete (geo/tl-commune.js) applies at once, with its INSEE code.
  form.addEventListener("tl:commune", function () { window.clearTimeout(debounce); apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  window.addEventListener("popstate", function () {
    fillForm(window.location.search);
    apply(false);
  });

  var nearMe = document.getElementById("atlas-near-me");
  if (nearMe && navigator.geolocation) {
    nearMe.hidden = false;
    nearMe.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        if (form.elements.around) { form.elements.around.value = ""; }
        if (form.elements.around_insee) { form.elements.around_insee.value = ""; }
        map.setView([position.coords.latitude, position.coords.longitude], 11);
        apply(true);
      }, function () {
        announce(words.noPosition || "Votre position n’a pas pu être obtenue.");
      });
    });
  }

  // --- Small screens: map or list, filters folded ------------------------------------------------------------
  var narrow = window.matchMedia("(max-width: 47.99em)");
  var toggle = document.getElementById("atlas-filters-toggle");
  var panel = document.getElementById("atlas-filters-panel");
  var views = document.getElementById("atlas-view");
  var mapBlock = document.getElementById("atlas-map-block");
  var results = document.getElementById("atlas-results");

  function showView() {
    var list = views && views.querySelector("input:checked") && views.querySelector("input:checked").value === "list";
    mapBlock.hidden = narrow.matches && list;
    results.hidden = narrow.matches && !list;
    if (!mapBlock.hidden) { map.invalidateSize(); }
  }

  function layout() {
    if (!toggle || !panel || !views) { return; }
    toggle.hidden = !narrow.matches;
    views.hidden = !narrow.matches;
    var open = !narrow.matches || toggle.getAttribute("aria-expanded") === "true";
    panel.hidden = !open;
    showView();
  }

  if (toggle && panel && views) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.hidden = !open;
      if (open) { var first = panel.querySelector("input, select, button"); if (first) { first.focus(); } }
    });
    views.addEventListener("change", showView);
    if (narrow.addEventListener) { narrow.addEventListener("change", layout); } else { narrow.addListener(layout); }
    if (panel.querySelector(".fr-input-group--error, .fr-alert")) { toggle.setAttribute("aria-expanded", "true"); }
    layout();
  }

  // --- First view: metropolitan France in the main map, each overseas department in its inset --------------
  var initial = document.getElementById("atlas-initial-clusters");
  refreshInsets();
  if (initial && !hasFilters()) {
    drawMain(JSON.parse(initial.textContent));
    window.setTimeout(function () { map.on("moveend", refreshMap); refreshMap(); }, 0);
  } else {
    map.on("moveend", refreshMap);
    if (hasFilters()) { fitToFilters(); } else { refreshMap(); }
  }
})(window, document);
