/* tidtam pages: sortable tables, CSV downloads and print on every page, and the filters of
 * the list pages (follow-up, escalation). The overview adds overview.js (inline in it).
 * No network, no framework: works from file://. Data text is only ever set with
 * textContent (never innerHTML), so typed text cannot become markup. */
(function () {
  "use strict";

  var NF = new Intl.NumberFormat("en-US");
  function fmt(n) { return NF.format(n); }
  function pct(part, whole) {
    return whole ? (part * 100 / whole).toFixed(1) + "%" : "-";
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
      });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* ---- CSV: UTF-8 with BOM, every cell quoted, formulas neutralized ---- */
  var FORMULA = /^[=+\-@\t\r]/;
  function csvCell(value) {
    var s = value === null || value === undefined ? "" : String(value);
    if (FORMULA.test(s)) { s = "'" + s; }
    return '"' + s.replace(/"/g, '""') + '"';
  }
  function csvText(rows) {
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }
  function download(name, text) {
    var blob = new Blob([text], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  function cellText(cell) {
    var text = cell.getAttribute("data-csv");
    if (text === null) {
      // what the cell says, without its links to act on (marked data-nocsv)
      var marked = cell.querySelector("[data-nocsv]");
      if (marked) {
        var copy = cell.cloneNode(true);
        Array.prototype.forEach.call(copy.querySelectorAll("[data-nocsv]"),
          function (el) { el.remove(); });
        text = copy.textContent;
      } else {
        text = cell.textContent;
      }
    }
    return (text || "").replace(/\s+/g, " ").trim();
  }
  function tableRows(table) {
    var rows = [];
    var head = table.tHead && table.tHead.rows[0];
    if (head) { rows.push(Array.prototype.map.call(head.cells, cellText)); }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        if (!tr.hidden) { rows.push(Array.prototype.map.call(tr.cells, cellText)); }
      });
    });
    return rows;
  }

  /* ---- sortable tables: header buttons, aria-sort ---- */
  function sortValue(cell) {
    var v = cell.getAttribute("data-v");
    return v === null ? cellText(cell) : v;
  }
  function applySort(table) {
    var col = table.getAttribute("data-sort-col");
    if (col === null) { return; }
    var idx = +col;
    var dir = table.getAttribute("data-sort-dir") === "desc" ? -1 : 1;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = rows.every(function (r) {
        var v = r.cells[idx] ? sortValue(r.cells[idx]) : "";
        return v === "" || !isNaN(+v);
      });
      rows.sort(function (a, b) {
        var x = a.cells[idx] ? sortValue(a.cells[idx]) : "";
        var y = b.cells[idx] ? sortValue(b.cells[idx]) : "";
        if (numeric) { return ((+x || 0) - (+y || 0)) * dir; }
        return x.localeCompare(y, "th") * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  }
  function makeSortable(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    Array.prototype.forEach.call(head.cells, function (th, i) {
      if (th.querySelector("button")) { return; }
      var button = el("button", { type: "button", "class": "sort" });
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var same = table.getAttribute("data-sort-col") === String(i);
        var dir = same && table.getAttribute("data-sort-dir") === "asc" ? "desc" : "asc";
        table.setAttribute("data-sort-col", String(i));
        table.setAttribute("data-sort-dir", dir);
        Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === "asc" ? "ascending" : "descending");
        applySort(table);
      });
    });
  }

  function wireCommon() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    document.addEventListener("click", function (ev) {
      var target = ev.target.closest ? ev.target.closest("button") : null;
      if (!target) { return; }
      if (target.hasAttribute("data-print")) { window.print(); }
      var id = target.getAttribute("data-csv-table");
      if (id) {
        var table = document.getElementById(id);
        if (table) { download(target.getAttribute("data-csv-name") || id + ".csv", csvText(tableRows(table))); }
      }
    });
    // Printed pages show every report, not only the opened ones.
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
        if (!d.open) { d.open = true; d.setAttribute("data-print-opened", ""); }
      });
    });
    window.addEventListener("afterprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details[data-print-opened]"), function (d) {
        d.open = false; d.removeAttribute("data-print-opened");
      });
    });
  }


  // what the overview's script (overview.js) shares with this one
  window.tidtam = { fmt: fmt, pct: pct, el: el, csvText: csvText, download: download,
    applySort: applySort };

  // Inline at the end of the overview the DOM is already there: wire it before first paint.
  if (document.readyState === "loading" && !document.getElementById("tidtam-data")) {
    document.addEventListener("DOMContentLoaded", wireCommon);
  } else {
    wireCommon();
  }
}());


/* follow-up list (issue 12) and escalation (issue 14) */
/* The filters of a list page: select boxes hide the items of every section that do not
 * match, and update each section's count, the summary line and the print stamp. Without
 * JS the form stays hidden and every item shows; hidden rows are left out of the CSV
 * download (tableRows skips them). The follow-up list filters table rows by group,
 * inspector and type, each read from the column its header names; the escalation page filters items by type, obstacle factor (an item
 * names several: data-factors, space-separated), district group and inspector (read from
 * the item's .grp and .insp words), and hides
 * a directive whose items are all hidden. */
(function () {
  "use strict";
  var NF = new Intl.NumberFormat("en-US");
  function all(nodes) { return Array.prototype.slice.call(nodes); }
  // p: the page's prefix (fu, esc): #p-filters, select[data-p-key], [data-p-section],
  // #p-summary, [data-p-count], .p-none.
  function listFilters(p, itemSelector, holds, afterSection) {
    var form = document.getElementById(p + "-filters");
    if (!form) { return; }
    var selects = all(form.querySelectorAll("select[data-" + p + "-key]"));
    var sections = all(document.querySelectorAll("[data-" + p + "-section]"));
    var summary = document.getElementById(p + "-summary");
    function apply() {
      var wanted = selects.map(function (s) { return [s.getAttribute("data-" + p + "-key"), s.value]; })
        .filter(function (kv) { return kv[1] !== ""; });
      var shown = 0, total = 0;
      sections.forEach(function (section) {
        var items = section.querySelectorAll(itemSelector);
        var visible = 0;
        Array.prototype.forEach.call(items, function (item) {
          var ok = wanted.every(function (kv) { return holds(item, kv[0], kv[1]); });
          item.hidden = !ok;
          if (ok) { visible += 1; }
        });
        shown += visible;
        total += items.length;
        var count = section.querySelector("[data-" + p + "-count]");
        if (count) { count.textContent = NF.format(visible); }
        if (afterSection) { afterSection(section); }
        var none = section.querySelector("." + p + "-none");
        if (none) { none.hidden = visible > 0 || !items.length; }
      });
      var active = selects.filter(function (s) { return s.value !== ""; }).map(function (s) {
        return form.querySelector('label[for="' + s.id + '"]').textContent + " " +
          s.options[s.selectedIndex].text;
      });
      summary.textContent = active.length ? "แสดง " + NF.format(shown) + " จาก " + NF.format(total) + " รายการ" : "";
      Array.prototype.forEach.call(document.querySelectorAll(".filter-stamp"), function (node) {
        node.textContent = "ตัวกรอง: " + (active.length ? active.join(" · ") : "ทั้งหมด");
      });
    }
    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    apply();
  }
  function start() {
    // a follow-up row holds a value in the column whose header names the key
    // (th data-fu-key): the cell's data-v, or else its text
    listFilters("fu", "tbody tr", function (row, key, value) {
      var table = row.parentNode.parentNode;
      var columns = table.fuColumns;
      if (!columns) {
        columns = table.fuColumns = {};
        all(table.tHead.rows[0].cells).forEach(function (th, i) {
          if (th.hasAttribute("data-fu-key")) { columns[th.getAttribute("data-fu-key")] = i; }
        });
      }
      var cell = row.cells[columns[key]];
      if (!cell) { return false; }
      var v = cell.getAttribute("data-v");
      return (v === null ? cell.textContent.trim() : v) === value;
    });
    // an item holds its type and factors in data-*, its group and inspector in its own words
    listFilters("esc", ".esc-item", function (item, key, value) {
      var words = key === "group" || key === "inspector" ? item.querySelector(key === "group" ? ".grp" : ".insp") : null;
      var have = words ? words.textContent : item.getAttribute("data-" + key) || "";
      return key === "factors" ? (" " + have + " ").indexOf(" " + value + " ") >= 0 : have === value;
    }, function (section) {
      Array.prototype.forEach.call(section.querySelectorAll("[data-esc-directive]"), function (d) {
        d.hidden = !d.querySelector(".esc-item:not([hidden])");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
