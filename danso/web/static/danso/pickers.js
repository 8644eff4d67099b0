/* danso pickers: a unit found by typing its name, and the kinds of period a form allows.
   Without this script the fields stay plain: the unit's identifier and a list of periods. */
(function () {
  "use strict";

  function unitPicker(box) {
    var code = box.querySelector("input.picker-code");
    var search = document.createElement("input");
    var list = document.createElement("ul");
    var timer = null, asked = "", items = [], active = -1;
    search.type = "search";
    search.id = code.id;
    code.id = code.id + "-code";
    code.type = "hidden";
    search.value = code.dataset.label || code.value;
    search.placeholder = box.dataset.placeholder;
    search.autocomplete = "off";
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-expanded", "false");
    list.className = "picker-results";
    list.id = search.id + "-results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    search.setAttribute("aria-controls", list.id);
    code.after(search, list);

    function close() { list.hidden = true; search.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(row) {
      code.value = row.uid;
      code.dataset.label = row.name;
      search.value = row.name;
      close();
      code.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function mark(i) {
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (items[i]) { items[i].scrollIntoView({block: "nearest"}); }
    }
    function show(rows) {
      list.textContent = "";
      items = rows.map(function (row) {
        var li = document.createElement("li");
        var meta = [row.code, row.parent, row.legacy ? box.dataset.legacy : "", row.own ? box.dataset.own : ""];
        li.setAttribute("role", "option");
        li.dataset.uid = row.uid;
        li.textContent = row.name;
        var small = document.createElement("span");
        small.className = "muted small";
        small.textContent = " " + meta.filter(Boolean).join(" · ");
        li.appendChild(small);
        if (row.legacy) { li.classList.add("legacy"); }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(row); });
        list.appendChild(li);
        return li;
      });
      if (!rows.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = box.dataset.empty;
        list.appendChild(none);
      }
      list.hidden = false;
      search.setAttribute("aria-expanded", "true");
      mark(rows.length ? 0 : -1);
      list._rows = rows;
    }
    function ask() {
      var q = search.value === code.dataset.label ? "" : search.value.trim();
      asked = q;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) { if (asked === q) { show(data.results); } });
    }
    search.addEventListener("focus", function () { search.select(); ask(); });
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
    search.addEventListener("blur", function () {
      close();
      if (!search.value.trim()) { search.value = code.dataset.label || ""; }
    });
    search.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(list._rows[active]); }
      else if (e.key === "Escape") { close(); }
    });
  }

  /* A form select whose options say which kinds of period they take (data-kinds) limits the
     period picker named in data-period-for to those kinds. */
  function periodKinds(select) {
    var picker = document.getElementById(select.dataset.periodFor);
    if (!picker) { return; }
    function apply() {
      var kinds = (select.selectedOptions[0].dataset.kinds || "").split(" ");
      var first = null;
      picker.querySelectorAll("optgroup").forEach(function (group) {
        var allowed = kinds.indexOf(group.dataset.kind) >= 0;
        group.disabled = !allowed;
        group.hidden = !allowed;
        if (allowed && !first) { first = group.querySelector("option[data-ended]") || group.querySelector("option"); }
      });
      var chosen = picker.selectedOptions[0];
      if (first && (!chosen || (chosen.parentElement.tagName === "OPTGROUP" && chosen.parentElement.disabled))) {
        first.selected = true;
      }
    }
    select.addEventListener("change", apply);
    apply();
  }

  function start() {
    document.querySelectorAll("[data-unit-picker]").forEach(unitPicker);
    document.querySelectorAll("select[data-period-for]").forEach(periodKinds);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
