/*
 * The map point picker (geo/forms.py PointWidget): a marker to click into place, drag, or move with the
 * arrow keys (Shift: a bigger step), kept in step with the latitude and longitude inputs (decimal comma).
 * Works on the outlines layer when there are no tiles. Without this script the two inputs remain.
 *
 * Markup: <div data-tl-point-picker data-lat-input="id" data-lon-input="id" data-origin-input="id"
 *              [data-geocode-url="…"]> … <div data-tl-point-block hidden> … <div data-tl-map …> …
 * A "tl:commune" event of the same form (the commune combobox) centres the map on the commune when no point
 * is set yet. The optional geocoder button asks the platform's geocoding endpoint for the address typed.
 */
(function (window, document) {
  "use strict";

  var SMALL_STEP = 4;
  var BIG_STEP = 40;
  var ARROWS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

  function parseDecimal(text) {
    var value = (text || "").trim().replace(",", ".").replace("\u2212", "-");
    return /^[+-]?\d+(\.\d+)?$/.test(value) ? Number(value) : null;
  }

  function format(value) {
    return value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "").replace(".", ",");
  }

  function init(root) {
    if (root.tlPicker || !window.L || !window.TLMap) { return; }
    var L = window.L;
    var lat = document.getElementById(root.dataset.latInput);
    var lon = document.getElementById(root.dataset.lonInput);
    var origin = document.getElementById(root.dataset.originInput);
    var block = root.querySelector("[data-tl-point-block]");
    if (!lat || !lon || !block) { return; }
    block.hidden = false;
    var element = block.querySelector("[data-tl-map]");
    var status = block.querySelector("[data-tl-point-status]");
    var label = element.dataset.markerLabel || "";
    var form = root.closest("form");

    function typed() {
      var a = parseDecimal(lat.value);
      var b = parseDecimal(lon.value);
      return a === null || b === null ? null : L.latLng(a, b);
    }

    var start = typed();
    var options = { fit: false };
    if (start) { options.center = [start.lat, start.lng]; options.zoom = 15; }
    var map = window.TLMap.create(element, options);
    var marker = null;

    function say(text) { if (status) { status.textContent = text; } }

    function write(latlng, how) {
      lat.value = format(latlng.lat);
      lon.value = format(latlng.lng);
      if (origin) { origin.value = how || "person"; }
      say((status.dataset.template || "{lat} {lon}").replace("{lat}", format(latlng.lat)).replace("{lon}", format(latlng.lng)));
    }

    function onKey(event) {
      var arrow = ARROWS[event.key];
      if (!arrow) { return; }
      event.preventDefault();
      event.stopPropagation();
      var step = event.shiftKey ? BIG_STEP : SMALL_STEP;
      var point = map.latLngToContainerPoint(marker.getLatLng()).add(L.point(arrow[0] * step, arrow[1] * step));
      var latlng = map.containerPointToLatLng(point);
      marker.setLatLng(latlng);
      write(latlng, "person");
      if (!map.getBounds().pad(-0.15).contains(latlng)) { map.panTo(latlng, { animate: false }); }
    }

    function place(latlng) {
      if (!marker) {
        var icon = L.divIcon({ className: "tl-point__marker", iconSize: [28, 28], iconAnchor: [14, 28] });
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: label, alt: label, icon: icon }).addTo(map);
        var markerElement = marker.getElement();
        markerElement.setAttribute("aria-label", label);
        markerElement.addEventListener("keydown", onKey);
        marker.on("dragend", function () { write(marker.getLatLng(), "person"); });
      } else {
        marker.setLatLng(latlng);
      }
      return marker;
    }

    map.on("click", function (event) { place(event.latlng); write(event.latlng, "person"); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var latlng = typed();
        if (!latlng) { return; }
        place(latlng);
        if (origin) { origin.value = "person"; }
        map.setView(latlng, Math.max(map.getZoom(), 13), { animate: false });
      });
    });
    var centre = block.querySelector("[data-tl-point-center]");
    if (centre) {
      centre.addEventListener("click", function () {
        var latlng = map.getCenter();
        place(latlng);
        write(latlng, "person");
        marker.getElement().focus();
      });
    }
    if (form) {
      form.addEventListener("tl:commune", function (event) {
        var detail = event.detail || {};
        if (!marker && detail.lat !== null && detail.lat !== undefined) {
          map.setView([detail.lat, detail.lon], 13, { animate: false });
        }
      });
    }
    var geocode = block.querySelector("[data-tl-point-geocode]");
    if (geocode && root.dataset.geocodeUrl && form) {
      geocode.addEventListener("click", function () {
        var field = function (name) { var input = form.querySelector("[name='" + name + "']"); return input ? input.value.trim() : ""; };
        var address = field("address");
        if (!address || !(field("commune") || field("postcode"))) { say(status.dataset.geocodeMissing); return; }
        var query = new URLSearchParams({ q: address, commune: field("commune"), insee: field("commune_insee"), postcode: field("postcode") });
        fetch(root.dataset.geocodeUrl + "?" + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (answer) {
            var best = (answer.results || [])[0];
            if (!best) { say(status.dataset.geocodeNone); return; }
            var latlng = L.latLng(best.lat, best.lon);
            place(latlng);
            write(latlng, "address");
            map.setView(latlng, 17, { animate: false });
            say(status.dataset.geocodeFound.replace("{label}", best.label));
          })
          .catch(function () { say(status.dataset.geocodeNone); });
      });
    }
    if (start) { place(start); }
    root.tlPicker = { map: map, marker: function () { return marker; } };
  }

  function autoInit(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-tl-point-picker]"), init);
  }

  window.TLPointPicker = { init: init, autoInit: autoInit };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoInit(); });
  } else {
    autoInit();
  }
}(window, document));
