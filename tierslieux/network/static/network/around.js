/* "Autour de moi": the "Utiliser ma position" button fills the form with the browser's position and sends it
   (shown only where the browser can locate; without JavaScript the commune field works alone). */
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
      button.form.submit();
    });
  });
}());
