// Moved out of the template so that the Content-Security-Policy allows no inline script.
(function () {
  var s = JSON.parse(document.getElementById("series").textContent);
  var vi = new Intl.NumberFormat("vi-VN");
  var common = {responsive: true, interaction: {mode: "index", intersect: false},
    plugins: {tooltip: {callbacks: {label: function (c) { return c.dataset.label + ": " + (c.raw === null ? "–" : vi.format(c.raw)); }}}},
    scales: {y: {beginAtZero: true, ticks: {callback: function (v) { return vi.format(v); }}}}};
  var flows = document.getElementById("chart-flows"), rates = document.getElementById("chart-rates");
  new Chart(flows, {type: "bar", data: {labels: s.labels, datasets: [
    {label: flows.dataset.births, data: s.births, backgroundColor: "#0b6e4f"},
    {label: flows.dataset.deaths, data: s.deaths, backgroundColor: "#9aa5b1"}]}, options: common});
  new Chart(rates, {type: "line", data: {labels: s.labels, datasets: [
    {label: "CPR %", data: s.cpr, borderColor: "#0b6e4f", spanGaps: true},
    {label: rates.dataset.third, data: s.third_share, borderColor: "#b3261e", spanGaps: true}]}, options: common});
})();
