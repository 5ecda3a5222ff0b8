/*
 * Atlas: the map and the list share the filter form. Without JavaScript the form submits and the list is
 * rendered by the server. With it: changing a filter updates the URL (history.pushState, so links are
 * shareable and the back button works), reloads the list through htmx and the map clusters from the API.
 */
(function (window, document) {
  "use strict";

  var form = document.getElementById("atlas-filters");
  var element = document.getElementById("atlas-map");
  var config = document.getElementById("atlas-map-config");
  if (!form || !element || !config || !window.TLMap) { return; }
  var colours = JSON.parse(document.getElementById("atlas-type-colours").textContent);
  var clustersUrl = config.dataset.clustersUrl;
  var atlasUrl = form.getAttribute("action");
  var L = window.L;

  var map = window.TLMap.create(element, { fit: false });
  var layer = L.layerGroup().addTo(map);
  var request = 0;

  function filterQuery() {
    var params = new URLSearchParams(new FormData(form));
    var clean = new URLSearchParams();
    params.forEach(function (value, key) { if (value !== "") { clean.append(key, value); } });
    return clean;
  }

  // Place names are typed by visitors: popups and icons are DOM nodes with text, never HTML strings.
  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function clusterIcon(size, colour, count) {
    var span = document.createElement("span");
    span.className = "tl-cluster";
    span.style.width = size + "px";
    span.style.height = size + "px";
    span.style.background = colour;
    span.textContent = String(count);
    return span;
  }

  // After a change of filters, the view fits the places found (then moveend reloads the clusters).
  function fitTo(data) {
    var bounds = L.latLngBounds([]);
    data.features.forEach(function (feature) {
      var b = feature.properties.bounds;
      var c = feature.geometry.coordinates;
      if (b) { bounds.extend([b[1], b[0]]); bounds.extend([b[3], b[2]]); } else { bounds.extend([c[1], c[0]]); }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
  }

  function drawClusters(data) {
    layer.clearLayers();
    data.features.forEach(function (feature) {
      var p = feature.properties;
      var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var colour = colours[p.type] || "#3a3a3a";
      if (p.cluster) {
        var size = Math.round(26 + Math.min(30, Math.log(p.count) * 5));
        var marker = L.marker(latlng, {
          icon: L.divIcon({
            className: "", iconSize: [size, size],
            html: clusterIcon(size, colour, p.count)
          }),
          title: p.count + " lieux", alt: p.count + " lieux", keyboard: true
        });
        marker.on("click", function () {
          var b = p.bounds;
          if (b[0] === b[2] && b[1] === b[3]) {
            map.setView(latlng, p.expansion_zoom);
          } else {
            map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: p.expansion_zoom + 2 });
          }
        });
        marker.addTo(layer);
      } else {
        var dot = L.circleMarker(latlng, {
          radius: 7, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 0.95, className: "tl-place-marker"
        });
        dot.bindPopup(link(atlasUrl + "?q=" + encodeURIComponent(p.name), p.name));
        dot.on("popupopen", function () { fetchDetail(p.id, dot); });
        dot.addTo(layer);
      }
    });
    element.setAttribute("data-markers", String(data.features.length));
    if (window.performance && performance.mark && !performance.getEntriesByName("atlas:first-markers").length) {
      performance.mark("atlas:first-markers");
    }
    element.dispatchEvent(new CustomEvent("atlas:clusters", { detail: data }));
  }

  function fetchDetail(id, dot) {
    fetch(clustersUrl.replace(/clusters\/?$/, id), { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (feature) {
        var p = feature.properties;
        var content = document.createElement("span");
        content.appendChild(link(p.url, p.nom));
        content.appendChild(document.createElement("br"));
        content.appendChild(document.createTextNode(p.commune));
        dot.setPopupContent(content);
      });
  }

  function refreshMap(fit) {
    var params = filterQuery();
    var b = map.getBounds();
    if (fit !== true) {
      params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return v.toFixed(4);
      }).join(","));
    }
    params.set("zoom", String(map.getZoom()));
    var mine = ++request;
    fetch(clustersUrl + "?" + params.toString(), { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (mine !== request) { return; }
        drawClusters(data);
        if (fit === true && hasFilters()) { fitTo(data); }
      });
  }

  function hasFilters() {
    return filterQuery().toString() !== "";
  }

  function refreshList(query) {
    window.htmx.ajax("GET", atlasUrl + (query ? "?" + query : ""), { target: "#atlas-results", swap: "innerHTML" });
  }

  function apply(push) {
    var query = filterQuery().toString();
    if (push) { window.history.pushState({ atlas: query }, "", atlasUrl + (query ? "?" + query : "")); }
    refreshList(query);
    refreshMap(true);
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
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  window.addEventListener("popstate", function () {
    fillForm(window.location.search);
    refreshList(window.location.search.replace(/^\?/, ""));
    refreshMap(true);
  });

  var nearMe = document.getElementById("atlas-near-me");
  if (nearMe && navigator.geolocation) {
    nearMe.hidden = false;
    nearMe.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        if (form.elements.around) { form.elements.around.value = ""; }
        map.setView([position.coords.latitude, position.coords.longitude], 11);
        apply(true);
      }, function () {
        window.alert("Votre position n’a pas pu être obtenue.");
      });
    });
  }

  // The server embeds the clusters of the initial view of France: markers show without a round trip.
  var initial = document.getElementById("atlas-initial-clusters");
  if (initial && map.getZoom() === 5) {
    drawClusters(JSON.parse(initial.textContent));
    window.setTimeout(function () { map.on("moveend", refreshMap); refreshMap(true); }, 0);
  } else {
    map.on("moveend", refreshMap);
    refreshMap(true);
  }
})(window, document);
