// Moved out of the template so that the Content-Security-Policy allows no inline script.
(function () {
  var kind = document.getElementById("id_kind");
  var club = document.querySelector("[data-field=club]");
  var services = document.getElementById("services");
  var withServices = JSON.parse(document.getElementById("kinds-with-services").textContent);
  function show() {
    club.hidden = kind.value !== "club_session";
    if (withServices.indexOf(kind.value) >= 0) services.open = true;
  }
  kind.addEventListener("change", show);
  show();
  // A place ticked among the search results joins the chosen ones and stays there.
  document.getElementById("place-results").addEventListener("change", function (e) {
    if (e.target.checked) document.getElementById("chosen-places").appendChild(e.target.closest("label"));
  });
  // Another organiser reaches other places: search again.
  document.getElementById("id_organiser").addEventListener("change", function () {
    htmx.trigger("#place-q", "search");
  });
})();
