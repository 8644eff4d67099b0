// Moved out of the template so that the Content-Security-Policy allows no inline script.
(function () {
  var c = JSON.parse(document.getElementById("charts").textContent);
  var vi = new Intl.NumberFormat("vi-VN", {maximumFractionDigits: 1});
  var colours = {green: "#2e7d32", amber: "#ef8f00", red: "#c62828", none: "#9aa5b1"};
  var palette = ["#0b6e4f", "#1565c0", "#ef8f00", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#9e9d24"];
  var percent = function (v) { return v === null ? "–" : vi.format(v) + " %"; };
  var tooltip = {callbacks: {label: function (t) { return t.dataset.label + ": " + percent(t.raw); }}};
  var mine = document.getElementById("chart-mine");
  if (mine) {
    new Chart(mine, {type: "bar", data: {labels: c.mine.labels, datasets: [
      {label: mine.dataset.done, data: c.mine.percent, backgroundColor: c.mine.status.map(function (s) { return colours[s]; })},
      {label: mine.dataset.expected, data: c.mine.expected, backgroundColor: "#d8dee6"}]},
      options: {indexAxis: "y", responsive: true, plugins: {tooltip: tooltip, legend: {labels: {generateLabels: function (chart) {
          // The bars of "% done" take their status colour; the legend shows the ink.
          var items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
          items[0].fillStyle = items[0].strokeStyle = "#1d2733";
          return items; }}}},
        scales: {x: {beginAtZero: true, suggestedMax: 100, ticks: {callback: function (v) { return vi.format(v) + " %"; }}},
                 y: {ticks: {callback: function (i) { var l = c.mine.labels[i]; return l.length > 28 ? l.slice(0, 27) + "…" : l; }}}}}});
  }
  var below = document.getElementById("chart-below");
  if (below) {
    new Chart(below, {type: "bar", data: {labels: c.below.labels, datasets: c.below.series.map(function (s, i) {
      return {label: s.label, data: s.data, backgroundColor: palette[i % palette.length]}; })},
      options: {responsive: true, plugins: {tooltip: tooltip, legend: {labels: {boxWidth: 12}}},
        scales: {y: {beginAtZero: true, suggestedMax: 100, ticks: {callback: function (v) { return vi.format(v) + " %"; }}}}}});
  }
})();
