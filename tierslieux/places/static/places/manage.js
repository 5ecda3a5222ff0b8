/* The manager's form of a place: "Recopier les horaires du lundi" fills Tuesday to Friday with Monday's hours
   (a convenience; without JavaScript each day is typed). Focus goes back to the button, a status says it. */
(function (document) {
  "use strict";
  var button = document.getElementById("copy-monday");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    ["tu", "we", "th", "fr"].forEach(function (day) {
      [1, 2].forEach(function (slot) {
        ["start", "end"].forEach(function (edge) {
          var from = document.getElementById("id_hours_mo_" + slot + "_" + edge);
          var to = document.getElementById("id_hours_" + day + "_" + slot + "_" + edge);
          if (from && to) { to.value = from.value; }
        });
      });
    });
    button.setAttribute("aria-describedby", "copy-monday-done");
    var done = document.getElementById("copy-monday-done");
    if (!done) {
      done = document.createElement("span");
      done.id = "copy-monday-done";
      done.className = "fr-text--sm fr-ml-2w";
      done.setAttribute("role", "status");
      button.parentNode.appendChild(done);
    }
    done.textContent = button.getAttribute("data-done") || "Horaires recopiés du mardi au vendredi.";
  });
}(document));
