/* "Autour de moi": the "Utiliser ma position" button fills the coordinates from the browser's position and
   submits the search (without JavaScript, or without geolocation, the button stays hidden). A static file: the
   Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("around-lat").value = position.coords.latitude.toFixed(5);
      document.getElementById("around-lon").value = position.coords.longitude.toFixed(5);
      document.getElementById("around").value = "";
      var code = button.form.elements.around_insee;  // the commune the autocomplete chose
      if (code) { code.value = ""; }
      button.form.submit();
    });
  });
}());
