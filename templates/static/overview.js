/* The overview's filters, cards, tables, search, filtered CSV and charts, and the details
 * dialogs of the one-file overview. Runs after app.js (the overview carries both inline)
 * and uses its helpers (window.tidtam). Data text is only ever set with textContent. */
(function () {
  "use strict";
  var T = window.tidtam;
  var fmt = T.fmt, pct = T.pct, el = T.el, csvText = T.csvText, download = T.download,
    applySort = T.applySort;

  /* ---- the overview ---- */
  var DIMS = ["fy", "round", "source", "inspector", "group", "type", "factor", "status", "obstacle"];
  var DIM_LABELS = { fy: "ปีงบประมาณ", round: "รอบ", source: "ที่มา", inspector: "ผู้ตรวจราชการ",
    group: "กลุ่มเขต", type: "ประเภท", factor: "ปัจจัย", status: "สถานะ", obstacle: "ปัจจัยที่เป็นอุปสรรค" };
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
      if (f.obstacle !== null && !(A.b[i] & (1 << f.obstacle))) { return false; }
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
      if (links && href) { return el("a", { href: href }, text); }
      // the one-file overview: the name opens its details inside the file (charts and drill-down)
      return href ? el("button", { type: "button", "class": "open-detail", "data-detail": href }, text) : el("span", null, text);
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
        if (A.s[i] === NOT_REPORTED) { (codes[A.g[i]] = codes[A.g[i]] || []).push([A.o[i], D.dir[A.d[i]]]); }
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
        // each code opens its directive (its page, or in the one file its details)
        var cell = tr.appendChild(td(null, undefined, "codes"));
        codes[k].sort(function (a, b) { return b[0] - a[0]; }).forEach(function (x, n) {
          if (n) { cell.appendChild(document.createTextNode(", ")); }
          cell.appendChild(link(x[1][0], x[1][9]));
        });
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
      // the charts that follow the filters (the section "charts and drill-down" below)
      window.TIDTAM_VIEW = { data: D, agg: agg, filters: f };
      document.dispatchEvent(new CustomEvent("tidtam:filtered"));
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

/* trend and changes (issue 12) */
// The overview's KPI cards show their change since the compared update for all the data:
// while a filter is active the cards count only part of it, so the change is hidden.
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  function sync() {
    var active = Array.prototype.some.call(form.querySelectorAll("select"), function (s) {
      return s.value !== "";
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-delta="filtered"]'), function (n) {
      n.hidden = active;
    });
  }
  form.addEventListener("change", sync);
  form.addEventListener("reset", function () { setTimeout(sync, 0); });
  window.addEventListener("hashchange", sync);
  sync();
  setTimeout(sync, 0);
})();
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
/* charts and drill-down (issue 14) */
/* (1) The overview's charts follow the filters: horizontal stacked bars drawn from the
 * filtered counts the overview hands over (window.TIDTAM_VIEW, event "tidtam:filtered"),
 * with a visually hidden table that screen readers read; the pre-rendered SVG stays for
 * pages without JS. (2) In the one-file overview (no links) each agency and directive name
 * is a button that opens its details in a dialog, built from the file's own data: the
 * compact rows (#tidtam-data) and, when present, the people's table (#tidtam-export) with
 * the directive's text and each agency's latest result and obstacles. Text only ever goes
 * in with textContent. */
(function () {
  "use strict";
  var NF = new Intl.NumberFormat("en-US");
  function fmt(n) { return NF.format(n); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function sum(c) { return c.reduce(function (a, b) { return a + b; }, 0); }

  /* ---- charts that follow the filters ---- */
  var CHARTS = [
    { key: "types", dim: "type", head: "ประเภทข้อสั่งการ", title: "สถานะตามประเภทข้อสั่งการ", note: "" },
    { key: "factors", dim: "factor", head: "ปัจจัยผลกระทบ", title: "สถานะตามปัจจัยผลกระทบ",
      note: "ข้อสั่งการหนึ่งมีได้หลายปัจจัย ผลรวมของแผนภูมินี้จึงอาจมากกว่าจำนวนรายการ" }
  ];
  function legend(D) {
    var ul = el("ul", "legend");
    ul.setAttribute("aria-label", "คำอธิบายสี");
    D.statuses.forEach(function (s) {
      var li = el("li");
      var dot = el("span", "dot st-" + s[0]);
      dot.setAttribute("aria-hidden", "true");
      li.appendChild(dot);
      li.appendChild(document.createTextNode(s[1]));
      ul.appendChild(li);
    });
    return ul;
  }
  function chart(spec, map, D, stamp) {
    var labels = D[spec.dim];
    var keys = Object.keys(map).filter(function (k) { return +k >= 0 && sum(map[k].c); })
      .sort(function (a, b) { return a - b; });
    var max = keys.reduce(function (m, k) { return Math.max(m, sum(map[k].c)); }, 0);
    var fig = el("figure", "fchart");
    fig.id = "chart-" + spec.key;
    var cap = el("figcaption");
    cap.appendChild(el("strong", null, spec.title));
    var sub = cap.appendChild(el("span", "fchart-stamp", " · " + stamp[0] + " · "));
    sub.appendChild(el("span", "w", stamp[1]));
    fig.appendChild(cap);
    var rows = el("div", "fchart-rows");
    rows.setAttribute("aria-hidden", "true");
    var table = el("table", "sr-only fchart-table");
    table.appendChild(el("caption", null, spec.title + " " + stamp.join(" · ") + (spec.note ? " (" + spec.note + ")" : "")));
    var hr = el("tr");
    [spec.head].concat(D.statuses.map(function (s) { return s[1]; }), ["รวม"]).forEach(function (h) {
      var th = el("th", null, h);
      th.setAttribute("scope", "col");
      hr.appendChild(th);
    });
    table.appendChild(el("thead")).appendChild(hr);
    var body = table.appendChild(el("tbody"));
    keys.forEach(function (k) {
      var c = map[k].c, total = sum(c);
      var name = labels[+k][0] + " " + labels[+k][1];
      var row = el("div", "fchart-row");
      var label = row.appendChild(el("span", "fchart-label"));
      // each space-separated phrase wraps as a whole: Thai words are never cut in two
      name.split(" ").forEach(function (w, j) {
        if (j) { label.appendChild(document.createTextNode(" ")); }
        label.appendChild(el("span", "w", w));
      });
      var track = el("span", "fchart-track");
      var barEl = el("span", "fchart-bar");
      barEl.style.width = (max ? total * 100 / max : 0) + "%";
      D.statuses.forEach(function (s, i) {
        if (!c[i]) { return; }
        var seg = el("span", "fchart-seg st-" + s[0], c[i] * 8 >= max ? fmt(c[i]) : "");
        seg.style.flexGrow = c[i];
        seg.title = s[1] + " " + fmt(c[i]);
        barEl.appendChild(seg);
      });
      track.appendChild(barEl);
      row.appendChild(track);
      row.appendChild(el("span", "fchart-total", fmt(total)));
      rows.appendChild(row);
      var tr = el("tr");
      var th = el("th", null, name);
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      c.concat([total]).forEach(function (v) { tr.appendChild(el("td", null, fmt(v))); });
      body.appendChild(tr);
    });
    if (!keys.length) { rows.appendChild(el("p", "fchart-none", "ไม่มีรายการตามตัวกรอง")); }
    fig.appendChild(rows);
    if (spec.note) { fig.appendChild(el("p", "fchart-note", spec.note)); }
    fig.appendChild(table);
    return fig;
  }
  function draw() {
    var view = window.TIDTAM_VIEW;
    var box = document.getElementById("live-charts");
    if (!view || !box) { return; }
    var D = view.data, agg = view.agg;
    var stampNode = document.querySelector(".print-stamp .filter-stamp");
    var stamp = [stampNode ? stampNode.textContent : "", fmt(agg.rows.length) + " รายการ"];
    box.textContent = "";
    box.appendChild(el("h3", null, "แผนภูมิสถานะตามตัวกรอง"));
    box.appendChild(legend(D));
    var grid = box.appendChild(el("div", "fchart-grid"));
    CHARTS.forEach(function (spec) { grid.appendChild(chart(spec, agg[spec.key], D, stamp)); });
    box.hidden = false;
    ["chart-h", "static-charts"].forEach(function (id) {
      var node = document.getElementById(id);
      if (node) { node.hidden = true; }
    });
  }
  document.addEventListener("tidtam:filtered", draw);
  draw();

  /* ---- details inside the one-file overview ---- */
  var MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
  function thaiDate(isoDay) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDay || "");
    return m ? +m[3] + " " + MONTHS[+m[2] - 1] + " " + (+m[1] + 543) : "";
  }
  // The people's table (render/people.py), when the file carries it: columns by Thai header.
  function people(n) {
    var T = window.TIDTAM_EXPORT;
    if (!T) {
      var inside = document.getElementById("tidtam-export");
      if (!inside) { return null; }
      T = window.TIDTAM_EXPORT = JSON.parse(inside.textContent);
    }
    if (T.n !== n) { return null; }
    return function (header, i) {
      var c = T.cols[T.head.indexOf(header)];
      if (!c) { return ""; }
      var v = c.d ? c.d[T.key[i]] : c.v[c.i[i]];
      return v === null || v === undefined ? "" : String(v);
    };
  }
  var dialog = null, opener = null, trail = [];
  function index(D) {
    if (D.__detail) { return D.__detail; }
    var ix = { ag: {}, dir: {}, byAg: {}, byDir: {} };
    D.ag.forEach(function (a, i) { ix.ag[a[2]] = i; });
    D.dir.forEach(function (d, i) { ix.dir[d[9]] = i; });
    var A = D.a;
    for (var i = 0; i < A.d.length; i++) {
      (ix.byAg[A.g[i]] = ix.byAg[A.g[i]] || []).push(i);
      (ix.byDir[A.d[i]] = ix.byDir[A.d[i]] || []).push(i);
    }
    D.__detail = ix;
    return ix;
  }
  function fact(dl, term, value) {
    if (!value) { return; }
    dl.appendChild(el("dt", null, term));
    dl.appendChild(el("dd", null, value));
  }
  function opens(text, href) {
    var b = el("button", "open-detail", text);
    b.type = "button";
    b.setAttribute("data-detail", href);
    return b;
  }
  function counts(D, rows) {
    var c = D.statuses.map(function () { return 0; });
    rows.forEach(function (i) { c[D.a.s[i]] += 1; });
    var ul = el("ul", "counts");
    D.statuses.forEach(function (s, k) {
      var li = el("li");
      var dot = el("span", "dot st-" + s[0]);
      dot.setAttribute("aria-hidden", "true");
      li.appendChild(dot);
      li.appendChild(document.createTextNode(s[1] + " " + fmt(c[k])));
      ul.appendChild(li);
    });
    return ul;
  }
  var SHOWN = 300;  // items listed in one panel; the rest are counted
  function item(D, col, i, head) {
    var A = D.a, s = D.statuses[A.s[i]];
    var li = el("li", "detail-item");
    var top = li.appendChild(el("p", "detail-top"));
    top.appendChild(head);
    top.appendChild(document.createTextNode(" "));
    top.appendChild(el("span", "chip st-" + s[0], s[1]));
    if (A.o[i] > 0) { top.appendChild(el("span", "detail-late", " เกินกำหนด " + fmt(A.o[i]) + " วัน")); }
    var dl = li.appendChild(el("dl", "facts"));
    fact(dl, "รายงานล่าสุด", col ? col("วันที่รายงานล่าสุด", i) : thaiDate(A.r[i]));
    if (col) {
      fact(dl, "ผลการดำเนินการ", col("ผลการดำเนินการ", i));
      fact(dl, "ปัญหาอุปสรรค", col("ปัญหาอุปสรรค", i));
      fact(dl, "ปัจจัยที่เป็นอุปสรรค", col("ปัจจัยที่เป็นอุปสรรค", i));
    }
    if (!dl.firstChild) { li.removeChild(dl); }
    return li;
  }
  function order(D, rows, name) {
    var A = D.a;
    return rows.slice().sort(function (x, y) {
      return A.s[y] - A.s[x] || A.o[y] - A.o[x] || name(x).localeCompare(name(y), "th");
    });
  }
  function list(panel, D, rows, col, head) {
    var ul = panel.appendChild(el("ul", "detail-items"));
    rows.slice(0, SHOWN).forEach(function (i) { ul.appendChild(item(D, col, i, head(i))); });
    if (rows.length > SHOWN) {
      panel.appendChild(el("p", "note", "แสดง " + fmt(SHOWN) + " รายการแรกจาก " + fmt(rows.length) + " รายการ"));
    }
  }
  function directivePanel(panel, D, k, col) {
    var d = D.dir[k], ix = index(D);
    var rows = order(D, ix.byDir[k] || [], function (i) { return D.ag[D.a.g[i]][0]; });
    var first = rows.length ? rows[0] : -1;
    panel.appendChild(el("h2", null, "ข้อสั่งการ " + d[0])).id = "detail-h";
    panel.appendChild(el("p", "directive-text", col && first >= 0 ? col("ข้อสั่งการ", first) || d[8] : d[8]));
    var dl = panel.appendChild(el("dl", "facts"));
    fact(dl, "ประเภท", d[5] >= 0 ? D.type[d[5]][0] + " " + D.type[d[5]][1] : "");
    fact(dl, "ปัจจัยผลกระทบ", D.factor.filter(function (f, b) { return d[6] & (1 << b); })
      .map(function (f) { return f[0] + " " + f[1]; }).join("; "));
    fact(dl, "กำหนดรายงาน", thaiDate(d[7]));
    fact(dl, "ผู้ตรวจราชการ", d[4] >= 0 && D.inspector ? D.inspector[d[4]] : "");
    panel.appendChild(el("h3", null, "หน่วยงานที่ได้รับมอบหมาย " + fmt(rows.length) + " หน่วยงาน"));
    panel.appendChild(counts(D, rows));
    list(panel, D, rows, col, function (i) { var a = D.ag[D.a.g[i]]; return opens(a[0], a[2]); });
  }
  function agencyPanel(panel, D, g, col) {
    var a = D.ag[g], ix = index(D);
    var rows = order(D, ix.byAg[g] || [], function (i) { return D.dir[D.a.d[i]][0]; });
    panel.appendChild(el("h2", null, a[0])).id = "detail-h";
    var dl = panel.appendChild(el("dl", "facts"));
    fact(dl, "กลุ่มเขต", a[1] >= 0 ? D.group[a[1]] : "");
    panel.appendChild(el("h3", null, "ข้อสั่งการที่ได้รับมอบหมาย " + fmt(rows.length) + " รายการ"));
    panel.appendChild(counts(D, rows));
    list(panel, D, rows, col, function (i) {
      var d = D.dir[D.a.d[i]];
      var head = el("span", "detail-dir");
      head.appendChild(opens(d[0], d[9]));
      head.appendChild(el("span", "detail-dirtext", " " + d[8]));
      return head;
    });
  }
  function ensureDialog() {
    if (dialog) { return dialog; }
    dialog = el("dialog", "detail");
    dialog.id = "detail";
    dialog.setAttribute("aria-labelledby", "detail-h");
    var bar = dialog.appendChild(el("div", "detail-bar"));
    var back = bar.appendChild(el("button", "detail-back", "ย้อนกลับ"));
    back.type = "button";
    var close = bar.appendChild(el("button", "detail-close", "ปิด"));
    close.type = "button";
    dialog.appendChild(el("div", "detail-body"));
    back.addEventListener("click", function () { trail.pop(); show(trail[trail.length - 1], false); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      trail = [];
      if (opener && document.contains(opener)) { opener.focus(); }
    });
    document.body.appendChild(dialog);
    return dialog;
  }
  function show(href, push) {
    var view = window.TIDTAM_VIEW;
    if (!view) { return false; }
    var D = view.data, ix = index(D);
    var isAgency = Object.prototype.hasOwnProperty.call(ix.ag, href);
    if (!isAgency && !Object.prototype.hasOwnProperty.call(ix.dir, href)) { return false; }
    var dlg = ensureDialog();
    var panel = dlg.querySelector(".detail-body");
    panel.textContent = "";
    var col = people(D.a.d.length);
    if (isAgency) { agencyPanel(panel, D, ix.ag[href], col); } else { directivePanel(panel, D, ix.dir[href], col); }
    if (push) { trail.push(href); }
    dlg.querySelector(".detail-back").hidden = trail.length < 2;
    if (!dlg.open) { dlg.showModal(); }
    dlg.scrollTop = 0;
    panel.querySelector("h2").setAttribute("tabindex", "-1");
    panel.querySelector("h2").focus();
    return true;
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button[data-detail]") : null;
    if (!b) { return; }
    if (!dialog || !dialog.open) { opener = b; }
    show(b.getAttribute("data-detail"), true);
  });
}());
