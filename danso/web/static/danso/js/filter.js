// Filters the rows of a table as one types (no inline script: Content-Security-Policy).
document.querySelectorAll("input[data-filter]").forEach(function (input) {
  var rows = document.querySelectorAll("#" + input.dataset.filter + " tbody tr, #" + input.dataset.filter + " li");
  var fold = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase(); };
  // data-filter-first: match the first cell only (rows of a table) (the unit's name), else the whole row.
  var text = function (r) { return "filterFirst" in input.dataset && r.cells ? r.cells[0].textContent : r.textContent; };
  input.addEventListener("input", function () {
    var q = fold(input.value);
    rows.forEach(function (r) { r.hidden = q && fold(text(r)).indexOf(q) < 0; });
  });
});
