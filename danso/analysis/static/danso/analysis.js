/* The table and chart builder: the page's choices become a GET /api/v1/analytics query (DHIS2's
   dimension syntax), whose answer is drawn as a pivot table and a Chart.js chart. The same
   drawing serves the analyses pinned to the dashboard. No framework: plain DOM. */
(function () {
  "use strict";
  var AXES = ["dx", "pe", "ou"];
  var COLOURS = ["#0b6e4f", "#b3261e", "#1f5fa8", "#c77700", "#6b3fa0", "#2b8a8a", "#8a6d3b",
                 "#5c6770", "#d0558f", "#3f7d20"];

  function format(value, decimals) {
    if (value === null || value === undefined) return "–";
    return new Intl.NumberFormat("vi-VN", {minimumFractionDigits: decimals,
                                           maximumFractionDigits: decimals}).format(value);
  }

  function product(lists) {
    return lists.reduce(function (acc, list) {
      var out = [];
      acc.forEach(function (a) { list.forEach(function (b) { out.push(a.concat([b])); }); });
      return out;
    }, [[]]);
  }

  /* The answer indexed by "dx|pe|ou" (a filter's single item fills its place). */
  function index(answer) {
    var dims = answer.headers.map(function (h) { return h.name; });
    var at = {};
    answer.rows.forEach(function (row) {
      var keys = {};
      AXES.forEach(function (axis) { keys[axis] = answer.metaData.dimensions[axis][0]; });
      dims.forEach(function (name, i) { if (i < row.length - 5) keys[name === answer.metaData.ou_dimension ? "ou" : name] = row[i]; });
      var n = row.length;
      at[keys.dx + "|" + keys.pe + "|" + keys.ou] = {value: row[n - 5], numerator: row[n - 4],
                                                    denominator: row[n - 3], caution: row[n - 2],
                                                    estimate: row[n - 1]};
    });
    return at;
  }

  function cellOf(at, keys) { return at[keys.dx + "|" + keys.pe + "|" + keys.ou] || {value: null}; }

  /* Rows × columns of the answer: {header: [[label…]…], lines: [{labels, cells:[{keys, cell}]}]}. */
  function pivot(answer, rows, columns) {
    var meta = answer.metaData, at = index(answer);
    function items(axis) { return meta.dimensions[axis].map(function (k) { return {axis: axis, key: k, name: meta.items[k] ? meta.items[k].name : k}; }); }
    var colCombos = product(columns.map(items)), rowCombos = product(rows.map(items));
    var lines = rowCombos.map(function (combo) {
      return {labels: combo.map(function (i) { return i.name; }), cells: colCombos.map(function (cc) {
        var keys = {};
        AXES.forEach(function (axis) { keys[axis] = meta.dimensions[axis][0]; });
        combo.concat(cc).forEach(function (i) { keys[i.axis] = i.key; });
        return {keys: keys, cell: cellOf(at, keys)};
      })};
    });
    return {colCombos: colCombos, rowCombos: rowCombos, lines: lines};
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawTable(table, answer, rows, columns) {
    var meta = answer.metaData, p = pivot(answer, rows, columns);
    table.innerHTML = "";
    var head = el("thead");
    columns.forEach(function (axis, level) {
      var tr = el("tr");
      rows.forEach(function () { tr.appendChild(el("th", {}, "")); });
      p.colCombos.forEach(function (combo) { tr.appendChild(el("th", {"class": "num"}, combo[level].name)); });
      head.appendChild(tr);
    });
    if (!columns.length) {
      var only = el("tr");
      rows.forEach(function () { only.appendChild(el("th", {}, "")); });
      only.appendChild(el("th", {"class": "num"}, meta.items[meta.dimensions.dx[0]].name));
      head.appendChild(only);
    }
    table.appendChild(head);
    var body = el("tbody");
    p.lines.forEach(function (line) {
      var tr = el("tr");
      line.labels.forEach(function (label) { tr.appendChild(el("th", {"scope": "row"}, label)); });
      line.cells.forEach(function (c) {
        var figure = meta.items[c.keys.dx] || {}, cell = c.cell;
        var td = el("td", {"class": "num" + (cell.caution ? " caution" : "")});
        td.appendChild(document.createTextNode(format(cell.value, figure.decimals || 0)));
        if (cell.caution) {
          var mark = el("span", {"class": "caution-mark", "title": cell.caution, "aria-label": cell.caution, "tabindex": "0"}, "⚠");
          td.appendChild(mark);
          td.title = cell.caution;
        }
        if (cell.estimate) {  /* re-aggregated from the other map by apportioning */
          td.appendChild(el("span", {"class": "estimate-mark", "title": cell.estimate, "aria-label": cell.estimate, "tabindex": "0"}, " ≈"));
          td.title = (td.title ? td.title + " " : "") + cell.estimate;
        }
        if (figure.rate && cell.denominator !== null && cell.denominator !== undefined) {
          td.appendChild(el("small", {"class": "parts"}, format(cell.numerator, cell.numerator % 1 ? 1 : 0) + " / " + format(cell.denominator, cell.denominator % 1 ? 1 : 0)));
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return p;
  }

  var charts = {};
  function drawChart(canvas, answer, rows, columns, kind) {
    if (charts[canvas.id]) { charts[canvas.id].destroy(); delete charts[canvas.id]; }
    if (kind === "table" || !window.Chart) return false;
    var p = pivot(answer, rows, columns), meta = answer.metaData;
    var labels = p.colCombos.map(function (c) { return c.map(function (i) { return i.name; }).join(" · "); });
    if (!columns.length) labels = [meta.items[meta.dimensions.dx[0]].name];
    var datasets = p.lines.map(function (line, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {label: line.labels.join(" · ") || meta.items[meta.dimensions.dx[0]].name,
              data: line.cells.map(function (c) { return c.cell.value; }),
              backgroundColor: colour, borderColor: colour, spanGaps: true};
    });
    var vi = new Intl.NumberFormat("vi-VN");
    var stacked = kind === "stacked";
    charts[canvas.id] = new Chart(canvas, {type: kind === "line" ? "line" : "bar",
      data: {labels: labels, datasets: datasets},
      options: {responsive: true, interaction: {mode: "index", intersect: false},
        plugins: {tooltip: {callbacks: {label: function (c) { return c.dataset.label + ": " + (c.raw === null ? "–" : vi.format(c.raw)); }}},
                  legend: {display: datasets.length <= 12}},
        scales: {x: {stacked: stacked}, y: {stacked: stacked, beginAtZero: true, ticks: {callback: function (v) { return vi.format(v); }}}}}});
    return true;
  }

  function axesOf(value) { return (value || "").split(";").filter(Boolean); }

  /* Fetch and draw a saved or built query into the given nodes. */
  function show(nodes, query, rows, columns, chart, messages) {
    nodes.problem.hidden = true;
    if (nodes.busy) nodes.busy.hidden = false;
    return fetch(nodes.api + "?" + query, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (nodes.busy) nodes.busy.hidden = true;
        if (!res.ok) {
          var errors = res.body.errors || [];
          nodes.problem.textContent = errors.length ? errors.map(function (e) { return e.message; }).join(" ") : (res.body.detail || messages.failed);
          nodes.problem.hidden = false;
          nodes.table.innerHTML = "";
          return null;
        }
        var answer = res.body, dims = answer.headers.map(function (h) { return h.name === answer.metaData.ou_dimension ? "ou" : h.name; }).filter(function (n) { return AXES.indexOf(n) >= 0; });
        rows = rows.filter(function (a) { return dims.indexOf(a) >= 0; });
        columns = columns.filter(function (a) { return dims.indexOf(a) >= 0; });
        dims.forEach(function (d) { if (rows.indexOf(d) < 0 && columns.indexOf(d) < 0) rows.push(d); });
        drawTable(nodes.table, answer, rows, columns);
        var drawn = drawChart(nodes.canvas, answer, rows, columns, chart);
        if (nodes.chartBox) nodes.chartBox.hidden = !drawn;
        // The server's own clock (Vietnam time), as dd/mm/yyyy: not the browser's zone.
        var t = answer.as_of;
        if (nodes.asOf) nodes.asOf.textContent = messages.asOf + " " + t.slice(11, 16) + " " + t.slice(8, 10) + "/" + t.slice(5, 7) + "/" + t.slice(0, 4);
        if (nodes.filters) {
          var f = answer.metaData.filters, names = Object.keys(f).map(function (k) { return f[k]; });
          nodes.filters.textContent = names.length ? messages.filters + ": " + names.join("; ") : "";
        }
        if (!answer.rows.length && nodes.problem) { nodes.problem.textContent = messages.none; nodes.problem.hidden = false; }
        return {answer: answer, rows: rows, columns: columns};
      });
  }

  function builder(config) {
    var form = document.getElementById("builder"), $ = function (id) { return document.getElementById(id); };
    form.addEventListener("submit", function (e) { e.preventDefault(); });  // the choices are never sent as a form
    var nodes = {api: config.api, problem: $("problem"), busy: $("busy"), table: $("pivot"), canvas: $("chart"),
                 chartBox: $("chart-box"), asOf: $("as-of"), filters: $("filters")};
    function checked(name) { return Array.prototype.filter.call(form.elements[name], function (i) { return i.checked; }).map(function (i) { return i.value; }); }
    function value(name) { return form.elements[name].value.trim(); }

    function compose() {
      var dx = checked("dx"), pe = checked("pe_rel").concat(axesOf(value("pe_fixed").replace(/[,\s]+/g, ";")));
      var ou = [value("ou_other") || value("ou_root")];
      if (value("ou_level")) ou.push(value("ou_level"));
      if (value("ou_group")) ou.push(value("ou_group"));
      if (!dx.length || !pe.length) return null;
      var params = new URLSearchParams(), rows = [], columns = [];
      var groupset = value("groupset");
      // Rows: units, then figures, then periods (communes with their figures below each).
      [["ou", ou], ["dx", dx], ["pe", pe]].forEach(function (pair) {
        var axis = pair[0], items = pair[1].join(";"), place = value("place_" + axis);
        if (axis === "ou" && groupset) {
          params.append("dimension", groupset);
          params.append("filter", "ou:" + items);
          place = place === "filter" ? "rows" : place;
        } else if (place === "filter") {
          params.append("filter", axis + ":" + items);
        } else {
          params.append("dimension", axis + ":" + items);
        }
        if (place === "rows") rows.push(axis);
        if (place === "columns") columns.push(axis);
      });
      if (form.elements.previous_year.checked) params.append("previousYear", "true");
      return {query: params.toString(), rows: rows, columns: columns, chart: value("chart")};
    }

    function apply(state) {
      var params = new URLSearchParams(state.query || "");
      var given = {};
      params.getAll("dimension").concat(params.getAll("filter")).forEach(function (d) {
        var i = d.indexOf(":"), name = i < 0 ? d : d.slice(0, i), items = i < 0 ? [] : d.slice(i + 1).split(";");
        if (AXES.indexOf(name) < 0) { form.elements.groupset.value = name; return; }
        given[name] = items;
        form.elements["place_" + name].value = params.getAll("filter").indexOf(d) >= 0 && !(name === "ou" && form.elements.groupset.value) ? "filter" : (axesOf(state.columns).indexOf(name) >= 0 ? "columns" : "rows");
      });
      AXES.forEach(function (axis) { if (params.get(axis)) given[axis] = params.get(axis).split(";"); });
      (given.dx || []).forEach(function (code) { var box = form.querySelector('input[name="dx"][value="' + CSS.escape(code) + '"]'); if (box) { box.checked = true; box.closest("details").open = true; } });
      var fixed = [];
      (given.pe || []).forEach(function (p) { var box = form.querySelector('input[name="pe_rel"][value="' + CSS.escape(p) + '"]'); if (box) box.checked = true; else fixed.push(p); });
      form.elements.pe_fixed.value = fixed.join(";");
      (given.ou || []).forEach(function (item) {
        if (item.indexOf("LEVEL-") === 0) form.elements.ou_level.value = item;
        else if (item.indexOf("OU_GROUP-") === 0) form.elements.ou_group.value = item;
        else if (form.querySelector('select[name="ou_root"] option[value="' + CSS.escape(item) + '"]')) form.elements.ou_root.value = item;
        else form.elements.ou_other.value = item;
      });
      axesOf(state.rows).forEach(function (a) { if (form.elements["place_" + a] && form.elements["place_" + a].value !== "filter") form.elements["place_" + a].value = "rows"; });
      if (state.chart) form.elements.chart.value = state.chart;
      form.elements.previous_year.checked = params.get("previousYear") === "true";
    }

    function refresh() {
      var built = compose();
      if (!built) { nodes.problem.textContent = config.messages.pickAll; nodes.problem.hidden = false; return; }
      show(nodes, built.query, built.rows.slice(), built.columns.slice(), built.chart, config.messages).then(function (drawn) {
        var ok = !!drawn;
        $("exports").hidden = !ok; $("save").hidden = !ok; $("legend").hidden = !ok;
        if (!ok) return;
        var layout = "&rows=" + encodeURIComponent(drawn.rows.join(";")) + "&columns=" + encodeURIComponent(drawn.columns.join(";"));
        $("export-xlsx").href = config.api + "?" + built.query + "&format=xlsx" + layout;
        $("export-csv").href = config.api + "?" + built.query + "&format=csv&tableLayout=true" + layout;
        $("api-link").href = config.api + "?" + built.query;
        var save = $("save");
        save.elements.query.value = built.query;
        save.elements.rows.value = drawn.rows.join(";");
        save.elements.columns.value = drawn.columns.join(";");
        save.elements.chart.value = built.chart;
      });
    }

    $("dx-filter").addEventListener("input", function () {
      var words = this.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
      form.querySelectorAll("#dx-list label").forEach(function (label) {
        var text = (label.textContent + " " + label.querySelector("input").value).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
        label.hidden = words && text.indexOf(words) < 0;
      });
      if (words) form.querySelectorAll("#dx-list details").forEach(function (d) { d.open = true; });
    });
    $("run").addEventListener("click", refresh);
    var state = JSON.parse(document.getElementById("builder-state").textContent || "{}");
    if (state.query) { apply(state); if (checked("dx").length) refresh(); }
  }

  /* The dashboard's pinned analyses: each drawn in its own card. */
  function pinned(config) {
    config.items.forEach(function (item) {
      var box = document.getElementById("pinned-" + item.id);
      show({api: config.api, problem: box.querySelector(".errors"), table: box.querySelector("table"),
            canvas: box.querySelector("canvas"), chartBox: box.querySelector("figure"), asOf: box.querySelector(".as-of")},
           item.query, axesOf(item.rows), axesOf(item.columns), item.chart, config.messages);
    });
  }

  window.danso = window.danso || {};
  window.danso.analysis = {builder: builder, pinned: pinned, pivot: pivot};

  // The page's settings come in data attributes (the Content-Security-Policy allows no inline
  // script): data-mode is "builder" or "pinned" (the analyses pinned to a dashboard).
  var config = document.getElementById("analysis-config");
  if (config) {
    var d = config.dataset;
    var messages = {failed: d.failed, asOf: d.asOf, filters: d.filters, pickAll: d.pickAll, none: d.none};
    if (d.mode === "builder") {
      builder({api: d.api, messages: messages});
    } else {
      pinned({api: d.api, messages: messages,
              items: JSON.parse(document.getElementById("pinned-analyses").textContent)});
    }
  }
})();
