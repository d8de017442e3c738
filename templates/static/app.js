/* tidtam dashboard: sortable tables, CSV downloads, print, and the overview's filters.
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
    return (cell.getAttribute("data-csv") || cell.textContent || "").replace(/\s+/g, " ").trim();
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

  /* ---- the overview ---- */
  var DIMS = ["fy", "round", "source", "inspector", "group", "type", "factor", "status"];
  var DIM_LABELS = { fy: "ปีงบประมาณ", round: "รอบ", source: "ที่มา", inspector: "ผู้ตรวจราชการ",
    group: "กลุ่มเขต", type: "ประเภท", factor: "ปัจจัย", status: "สถานะ" };
  var DIRECTIVE_ROWS = 200;

  function overview(D) {
    var links = window.TIDTAM_LINKS !== false;
    var A = D.a;
    var n = A.d.length;
    var S = D.statuses.length;
    var NOT_REPORTED = S - 1;
    var form = document.getElementById("filters");
    var selects = {};
    DIMS.forEach(function (k) { selects[k] = document.getElementById("f-" + k); });

    function state() {
      var f = {};
      DIMS.forEach(function (k) { f[k] = selects[k].value === "" ? null : +selects[k].value; });
      return f;
    }
    function match(f, i) {
      var d = D.dir[A.d[i]];
      if (f.fy !== null && d[1] !== f.fy) { return false; }
      if (f.round !== null && d[2] !== f.round) { return false; }
      if (f.source !== null && d[3] !== f.source) { return false; }
      if (f.inspector !== null && d[4] !== f.inspector) { return false; }
      if (f.type !== null && d[5] !== f.type) { return false; }
      if (f.factor !== null && !(d[6] & (1 << f.factor))) { return false; }
      if (f.group !== null && D.ag[A.g[i]][1] !== f.group) { return false; }
      if (f.status !== null && A.s[i] !== f.status) { return false; }
      return true;
    }
    function zero() { var c = []; for (var s = 0; s < S; s++) { c.push(0); } return c; }
    function bump(map, key, i) {
      var c = map[key] || (map[key] = { c: zero(), od: 0, ags: {} });
      c.c[A.s[i]] += 1;
      if (A.o[i] > c.od) { c.od = A.o[i]; }
      return c;
    }
    function total(c) { return c.reduce(function (a, b) { return a + b; }, 0); }

    function aggregate(f) {
      var out = { rows: [], status: zero(), agencies: {}, groups: {}, types: {}, factors: {}, dirs: {} };
      for (var i = 0; i < n; i++) {
        if (!match(f, i)) { continue; }
        out.rows.push(i);
        out.status[A.s[i]] += 1;
        bump(out.agencies, A.g[i], i);
        var d = D.dir[A.d[i]];
        bump(out.groups, D.ag[A.g[i]][1], i).ags[A.g[i]] = true;
        bump(out.types, d[5], i);
        for (var b = 0; b < D.factor.length; b++) { if (d[6] & (1 << b)) { bump(out.factors, b, i); } }
        bump(out.dirs, A.d[i], i);
      }
      return out;
    }

    function scopeText(f) {
      var parts = [];
      if (f.status !== null) { parts.push("สถานะ " + D.statuses[f.status][1]); }
      if (f.obstacle !== null && f.obstacle !== undefined && selects.obstacle) {
        var option = selects.obstacle.options[selects.obstacle.selectedIndex];
        parts.push("รายการที่รายงาน" + DIM_LABELS.obstacle + " " + (option ? option.textContent : ""));
      }
      return parts.length ? "เฉพาะ" + parts.join(" และ") : "";
    }
    function scoped(card, text) {
      if (!card) { return; }
      var note = card.querySelector("p.scope");
      if (!note) {
        note = el("p", { "class": "scope" });
        card.insertBefore(note, card.querySelector(".value"));
      }
      note.textContent = text;
      note.hidden = !text;
      card.classList.toggle("scoped", !!text);
    }
    function setK(key, text) {
      Array.prototype.forEach.call(document.querySelectorAll('[data-k="' + key + '"]'), function (node) {
        node.textContent = text;
      });
    }
    function bar(counts, labelled) {
      var t = total(counts);
      var parts = D.statuses.map(function (s, k) { return s[1] + " " + fmt(counts[k]); });
      var div = el("div", { "class": "sbar small", role: "img", "aria-label": parts.join(", ") });
      D.statuses.forEach(function (s, k) {
        if (!counts[k]) { return; }
        var span = el("span", { "class": "st-" + s[0], title: s[1] + " " + fmt(counts[k]) },
          labelled ? fmt(counts[k]) : null);
        span.style.flexGrow = counts[k];
        div.appendChild(span);
      });
      if (!t) { div.appendChild(el("span", { "class": "empty" }, "-")); }
      return div;
    }
    function td(text, sort, cls) {
      var cell = el("td", { "class": cls || null, "data-v": sort === undefined ? null : sort }, text);
      return cell;
    }
    function num(v) { return td(fmt(v), v, "num"); }
    function link(text, href) {
      return links && href ? el("a", { href: href }, text) : el("span", null, text);
    }
    function fill(id, rows) {
      var table = document.getElementById(id);
      var body = table.tBodies[0];
      body.textContent = "";
      rows.forEach(function (r) { body.appendChild(r); });
      applySort(table);
    }
    function countCells(tr, c) { c.forEach(function (v) { tr.appendChild(num(v)); }); }

    // Tables below the fold are filled in their own tasks on first load, so no task blocks
    // the main thread for long (Lighthouse TBT); after a filter change they fill at once.
    var generation = 0;
    function later(initial, jobs) {
      var mine = ++generation;
      if (!initial) {
        jobs.forEach(function (job) { job(); });
        document.body.setAttribute("data-ready", "");
        return;
      }
      var next = function () {
        if (mine !== generation) { return; }  // a newer render has filled the tables
        if (!jobs.length) { document.body.setAttribute("data-ready", ""); return; }
        jobs.shift()();
        setTimeout(next, 0);
      };
      setTimeout(next, 0);
    }

    function render(initial) {
      initial = initial === true;
      var f = state();
      var agg = aggregate(f);
      var sel = agg.rows.length;
      // KPI: an agency counts as reported when every (filtered) assignment is reported.
      var agencyKeys = Object.keys(agg.agencies);
      var reportedAll = agencyKeys.filter(function (k) { return agg.agencies[k].c[NOT_REPORTED] === 0; }).length;
      var rate = agencyKeys.length ? reportedAll * 100 / agencyKeys.length : null;
      var reported = sel - agg.status[NOT_REPORTED];
      setK("rate", rate === null ? "-" : rate.toFixed(1) + "%");
      setK("verdict", rate === null ? "" : (rate >= D.reporting_target ? "✓ ผ่านเป้าหมาย" : "✗ ต่ำกว่าเป้าหมาย"));
      var card = document.getElementById("kpi-rate");
      card.classList.toggle("met", rate !== null && rate >= D.reporting_target);
      card.classList.toggle("unmet", rate === null || rate < D.reporting_target);
      // A filter on the status (or on what the latest report says) changes what the cards
      // count: every row left has that status, so the success rate would read 100% (or 0%)
      // by construction. The cards then say what they count; the rate is not computed and
      // not compared with its target (issue 14).
      var scope = scopeText(f);
      scoped(card, scope ? scope + " — ตัวชี้วัดนี้ต้องนับทุกสถานะ จึงไม่คำนวณร้อยละและไม่เทียบกับเป้าหมาย" : "");
      scoped(document.getElementById("kpi-assign"), scope ? scope + " — นับเฉพาะรายการที่ตรงกับตัวกรองนี้" : "");
      if (scope) {
        setK("rate", "-");
        setK("verdict", "");
        card.classList.remove("met", "unmet");
      }
      var meter = document.querySelector('[data-k="meter"]');
      if (meter) { meter.style.width = Math.min(rate || 0, 100) + "%"; }
      setK("agencies_reported", fmt(reportedAll));
      setK("agencies_total", fmt(agencyKeys.length));
      setK("assign_pct", pct(reported, sel));
      setK("reported", fmt(reported));
      setK("total", fmt(sel));
      setK("directives", fmt(Object.keys(agg.dirs).length));
      D.statuses.forEach(function (s, k) {
        setK(s[0], fmt(agg.status[k]));
        setK(s[0] + "_pct", pct(agg.status[k], sel));
      });
      var statusBar = document.getElementById("status-bar");
      var big = bar(agg.status, true);
      big.className = "sbar";
      statusBar.textContent = "";
      statusBar.appendChild(big);
      document.getElementById("filter-summary").textContent =
        "แสดง " + fmt(sel) + " จาก " + fmt(n) + " รายการ";

      var jobs = [];
      // district groups
      jobs.push(function () { fill("t-groups", Object.keys(agg.groups).map(function (g) {
        var c = agg.groups[g];
        var tr = el("tr");
        var name = +g >= 0 ? D.group[+g] : "-";
        tr.appendChild(el("th", { scope: "row" }, name));
        countCells(tr, c.c);
        tr.appendChild(num(total(c.c)));
        var ags = Object.keys(c.ags);
        var done = ags.filter(function (a) { return agg.agencies[a].c[NOT_REPORTED] === 0; }).length;
        tr.appendChild(td(fmt(done) + " / " + fmt(ags.length), ags.length ? done / ags.length : 0, "num"));
        var cell = el("td"); cell.appendChild(bar(c.c)); tr.appendChild(cell);
        return tr;
      })); });
      // directive types and impact factors
      function breakdown(id, map, labels) {
        fill(id, Object.keys(map).sort(function (a, b) { return a - b; }).map(function (k) {
          var c = map[k].c;
          var tr = el("tr");
          var th = el("th", { scope: "row", "data-v": String(1000 + +k) }, labels[+k][0] + " " + labels[+k][1]);
          tr.appendChild(th);
          countCells(tr, c);
          tr.appendChild(num(total(c)));
          tr.appendChild(td(pct(total(c) - c[NOT_REPORTED], total(c)), (total(c) - c[NOT_REPORTED]) / (total(c) || 1), "num"));
          var cell = el("td"); cell.appendChild(bar(c)); tr.appendChild(cell);
          return tr;
        }));
      }
      jobs.push(function () { breakdown("t-types", agg.types, D.type); });
      jobs.push(function () { breakdown("t-factors", agg.factors, D.factor); });

      // agencies
      setK("agency_rows", fmt(agencyKeys.length));
      jobs.push(function () { fill("t-agencies", agencyKeys.map(function (k) {
        var c = agg.agencies[k];
        var ag = D.ag[+k];
        var tr = el("tr");
        var th = el("th", { scope: "row", "data-v": ag[0] });
        th.appendChild(link(ag[0], ag[2]));
        tr.appendChild(th);
        tr.appendChild(td(ag[1] >= 0 ? D.group[ag[1]] : "-"));
        countCells(tr, c.c);
        tr.appendChild(num(total(c.c)));
        tr.appendChild(num(c.od));
        var ok = c.c[NOT_REPORTED] === 0;
        tr.appendChild(td(ok ? "✓ ครบ" : "✗ ขาด " + c.c[NOT_REPORTED], ok ? 0 : c.c[NOT_REPORTED], ok ? "yes" : "no"));
        return tr;
      }).sort(function (a, b) {
        return (+b.cells[b.cells.length - 1].getAttribute("data-v")) - (+a.cells[a.cells.length - 1].getAttribute("data-v"));
      })); });

      // follow-up: most overdue first
      var missing = agencyKeys.filter(function (k) { return agg.agencies[k].c[NOT_REPORTED] > 0; });
      setK("missing_agencies", fmt(missing.length));
      var codes = {};
      agg.rows.forEach(function (i) {
        if (A.s[i] === NOT_REPORTED) { (codes[A.g[i]] = codes[A.g[i]] || []).push([A.o[i], D.dir[A.d[i]][0]]); }
      });
      missing.sort(function (a, b) {
        return agg.agencies[b].od - agg.agencies[a].od || agg.agencies[b].c[NOT_REPORTED] - agg.agencies[a].c[NOT_REPORTED];
      });
      jobs.push(function () { fill("t-followup", missing.map(function (k) {
        var c = agg.agencies[k];
        var tr = el("tr");
        var th = el("th", { scope: "row", "data-v": D.ag[+k][0] });
        th.appendChild(link(D.ag[+k][0], D.ag[+k][2]));
        tr.appendChild(th);
        tr.appendChild(num(c.c[NOT_REPORTED]));
        tr.appendChild(num(c.od));
        var list = codes[k].sort(function (a, b) { return b[0] - a[0]; }).map(function (x) { return x[1]; });
        tr.appendChild(td(list.join(", "), undefined, "codes"));
        return tr;
      })); });

      // directives (the first rows; the rest are one filter or search away)
      var dirKeys = Object.keys(agg.dirs).sort(function (a, b) { return D.dir[+a][0] < D.dir[+b][0] ? -1 : 1; });
      setK("directive_rows", fmt(dirKeys.length));
      var note = document.getElementById("dir-note");
      note.hidden = dirKeys.length <= DIRECTIVE_ROWS;
      note.textContent = "แสดง " + fmt(DIRECTIVE_ROWS) + " ข้อแรกจาก " + fmt(dirKeys.length) + " ข้อ ใช้ตัวกรองหรือช่องค้นหาเพื่อดูข้ออื่น";
      jobs.push(function () { fill("t-directives", dirKeys.slice(0, DIRECTIVE_ROWS).map(function (k) {
        var d = D.dir[+k];
        var c = agg.dirs[k].c;
        var tr = el("tr");
        var th = el("th", { scope: "row", "data-v": d[0] });
        th.appendChild(link(d[0], d[9]));
        tr.appendChild(th);
        tr.appendChild(td(d[8], undefined, "text"));
        tr.appendChild(td(d[5] >= 0 ? D.type[d[5]][0] : "-", d[5]));
        countCells(tr, c);
        var cell = el("td"); cell.appendChild(bar(c)); tr.appendChild(cell);
        return tr;
      })); });
      later(initial, jobs);

      // stamp and address
      var active = DIMS.filter(function (k) { return f[k] !== null; }).map(function (k) {
        return DIM_LABELS[k] + " " + selects[k].options[selects[k].selectedIndex].text;
      });
      Array.prototype.forEach.call(document.querySelectorAll(".filter-stamp"), function (node) {
        node.textContent = "ตัวกรอง: " + (active.length ? active.join(" · ") : "ทั้งหมด");
      });
      var hash = DIMS.filter(function (k) { return f[k] !== null; }).map(function (k) { return k + "=" + f[k]; }).join("&");
      try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* file:// in some browsers */ }
      current = agg;
    }

    var current = null;
    // The filtered rows as people read them (Thai headers and labels, B.E. dates, the
    // reports' words): the table comes with the export section at the end of this file.
    function exportFiltered() {
      document.dispatchEvent(new CustomEvent("tidtam:export", { detail: {
        rows: current.rows.slice(), total: n,
        save: function (name, rows) { download(name, csvText(rows)); } } }));
    }

    // search over agency names and directive codes and text
    function key(s) { return String(s).toLowerCase().replace(/[\s\u200b-\u200d\ufeff]+/g, ""); }
    var agencyKeys = D.ag.map(function (a) { return key(a[0]); });
    var dirKeys = D.dir.map(function (d) { return key(d[0] + " " + d[8]); });
    var q = document.getElementById("q");
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    function search() {
      var text = key(q.value);
      results.textContent = "";
      if (!text) { status.textContent = ""; return; }
      var ags = [], dirs = [];
      agencyKeys.forEach(function (k, i) { if (k.indexOf(text) >= 0) { ags.push(i); } });
      dirKeys.forEach(function (k, i) { if (k.indexOf(text) >= 0) { dirs.push(i); } });
      status.textContent = "พบ " + fmt(ags.length) + " หน่วยงาน และ " + fmt(dirs.length) + " ข้อสั่งการ";
      ags.slice(0, 10).forEach(function (i) {
        var li = el("li", { "class": "hit agency" });
        li.appendChild(el("span", { "class": "kind" }, "หน่วยงาน"));
        li.appendChild(link(D.ag[i][0], D.ag[i][2]));
        results.appendChild(li);
      });
      dirs.slice(0, 10).forEach(function (i) {
        var li = el("li", { "class": "hit directive" });
        li.appendChild(el("span", { "class": "kind" }, "ข้อสั่งการ"));
        li.appendChild(link(D.dir[i][0], D.dir[i][9]));
        li.appendChild(el("span", { "class": "text" }, " " + D.dir[i][8]));
        results.appendChild(li);
      });
    }

    // restore filters from the address (#group=2&status=3)
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (selects[kv[0]] && selects[kv[0]].querySelector('option[value="' + (+kv[1]) + '"]')) {
        selects[kv[0]].value = String(+kv[1]);
      }
    });
    form.addEventListener("change", function () { render(false); });
    form.addEventListener("reset", function () { setTimeout(function () { render(false); }, 0); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    q.addEventListener("input", search);
    document.getElementById("export-filtered").addEventListener("click", exportFiltered);
    render(true);
  }

  function start() {
    wireCommon();
    var data = document.getElementById("tidtam-data");
    if (data) { overview(JSON.parse(data.textContent)); }
  }
  // Inline at the end of the overview the DOM is already there: render before first paint.
  if (document.readyState === "loading" && !document.getElementById("tidtam-data")) {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

/* follow-up list (issue 12) */
/* The follow-up page's filters (group, inspector, type): they hide rows of all three
 * sections and update each section's count. Without JS the form stays hidden and every
 * row shows. Hidden rows are left out of the CSV download (tableRows skips them). */
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("fu-filters");
    if (!form) { return; }
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-fu-key]"));
    var sections = Array.prototype.slice.call(document.querySelectorAll("[data-fu-section]"));
    var summary = document.getElementById("fu-summary");
    var NF = new Intl.NumberFormat("en-US");
    function apply() {
      var wanted = selects.map(function (s) { return [s.getAttribute("data-fu-key"), s.value]; })
        .filter(function (kv) { return kv[1] !== ""; });
      var shown = 0, total = 0;
      sections.forEach(function (section) {
        var rows = section.querySelectorAll("tbody tr");
        var visible = 0;
        Array.prototype.forEach.call(rows, function (tr) {
          var ok = wanted.every(function (kv) { return tr.getAttribute("data-" + kv[0]) === kv[1]; });
          tr.hidden = !ok;
          if (ok) { visible += 1; }
        });
        shown += visible;
        total += rows.length;
        var count = section.querySelector("[data-fu-count]");
        if (count) { count.textContent = NF.format(visible); }
        var none = section.querySelector(".fu-none");
        if (none) { none.hidden = visible > 0 || !rows.length; }
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
/* survey and exports (issue 14) */
/* The overview's filtered CSV for people. Its rows are cut from the people's table
 * (render/people.py: the workbook's first sheet), which the page loads only when the button
 * is pressed: data/overview-export.js beside the site, or #tidtam-export inside the one-file
 * overview. The overview itself carries only what its filters need. */
(function () {
  "use strict";
  var FILE = "data/overview-export.js";
  var NAME = "tidtam-assignments-filtered.csv";
  function load(done, fail) {
    if (window.TIDTAM_EXPORT) { done(window.TIDTAM_EXPORT); return; }
    var inside = document.getElementById("tidtam-export");
    if (inside) { window.TIDTAM_EXPORT = JSON.parse(inside.textContent); done(window.TIDTAM_EXPORT); return; }
    var script = document.createElement("script");
    script.src = FILE;
    script.onload = function () { if (window.TIDTAM_EXPORT) { done(window.TIDTAM_EXPORT); } else { fail(); } };
    script.onerror = fail;
    document.head.appendChild(script);
  }
  function say(text) {
    var button = document.getElementById("export-filtered");
    var note = document.getElementById("export-note");
    if (!note && button) {
      note = document.createElement("p");
      note.id = "export-note";
      note.className = "export-note";
      note.setAttribute("aria-live", "polite");
      button.parentNode.parentNode.insertBefore(note, button.parentNode.nextSibling);
    }
    if (note) { note.textContent = text; }
  }
  document.addEventListener("tidtam:export", function (ev) {
    var want = ev.detail;
    say("กำลังเตรียมไฟล์…");
    load(function (T) {
      if (T.n !== want.total) { say("ข้อมูลสำหรับดาวน์โหลดไม่ตรงกับหน้านี้ โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง"); return; }
      var rows = [T.head];
      want.rows.forEach(function (i) {
        rows.push(T.cols.map(function (c) { return c.d ? c.d[T.key[i]] : c.v[c.i[i]]; }));
      });
      want.save(NAME, rows);
      say("");
    }, function () { say("โหลดข้อมูลสำหรับดาวน์โหลดไม่ได้ โปรดเปิดหน้านี้จากโฟลเดอร์ของเว็บไซต์"); });
  });
}());
