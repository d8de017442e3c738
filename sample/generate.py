"""Generate the synthetic sample data set (deterministic, seed 2566).

Run from the repository root::

    .venv/bin/python sample/generate.py

Writes sample/data/*.csv, sample/tidtam-sample.xlsx and sample/expected.json. Running it
twice gives byte-identical files. Reads only config/*.yaml; the column titles, names and
texts come from sample/vocabulary.py (shared with bench/generate.py). See sample/README.md.

The steps run in ``main`` in a fixed order, all drawing from one ``random.Random(2566)``:
reorder them, or add a draw, and every later value changes.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import vocabulary as vocab  # sample/vocabulary.py: sample/ is sys.path[0] for a script
import yaml
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample"
DATA = OUT / "data"
FIXED_ZIP_TIME = (2024, 7, 31, 0, 0, 0)

rng = random.Random(2566)

# --------------------------------------------------------------------------- config

agencies_cfg = yaml.safe_load((ROOT / "config/agencies.yaml").read_text("utf-8"))["agencies"]
taxonomy = yaml.safe_load((ROOT / "config/taxonomy.yaml").read_text("utf-8"))
form = yaml.safe_load((ROOT / "config/form.yaml").read_text("utf-8"))

AGENCIES = [a["name"] for a in agencies_cfg]
AGENCY_ORDER = {n: i for i, n in enumerate(AGENCIES)}
KIND = {a["name"]: a["kind"] for a in agencies_cfg}
ALIASES = {a["name"]: list(a.get("aliases", [])) for a in agencies_cfg}
DISTRICTS = [a["name"] for a in agencies_cfg if a["kind"] == "district"]
DEPARTMENTS = [a["name"] for a in agencies_cfg if a["kind"] == "department"]
GROUP_OF = {a["name"]: a["district_group"] for a in agencies_cfg if a["kind"] == "district"}
GROUPS: dict[str, list[str]] = defaultdict(list)
for _d in DISTRICTS:
    GROUPS[GROUP_OF[_d]].append(_d)

TYPES = taxonomy["directive_types"]
FACTORS = taxonomy["impact_factors"]
TYPE_BY_CODE = {t["code"]: t for t in TYPES}
FACTOR_LABELS = [f["label"] for f in FACTORS]
STATUS_LABEL = {s["key"]: s["label"] for s in taxonomy["statuses"]}

SCALE = {s["label"]: s["score"] for s in form["satisfaction"]["scale"]}
LABEL_OF = {v: k for k, v in SCALE.items()}
HIGH_FROM = form["satisfaction"]["high_from_score"]


def bare(district: str) -> str:
    return district[len(vocab.DISTRICT_PREFIX):]


def abbr(dept: str) -> str:
    """The first abbreviation-looking alias (ends with '.'), else the first alias."""
    al = ALIASES[dept]
    for a in al:
        if a.endswith("."):
            return a
    return al[0] if al else dept


# ----------------------------------------------------------------------- formatting


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + "+07:00"


class TextTS(str):
    """A timestamp cell that is text in the sheet (identical in CSV and xlsx)."""


def csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, TextTS):
        return str(v)
    if isinstance(v, datetime):
        return vocab.be_datetime(v)
    if isinstance(v, date):
        return vocab.be_date(v)
    return str(v)


# ------------------------------------------------------------- mini resolver (self-check)
# Only to verify the generator's own intent (every accepted variant resolves, every typo
# does not); the real pipeline is elsewhere and is not used here.


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace(vocab.ZWSP, "")
    s = s.replace(vocab.SARA_AM_SPLIT, vocab.SARA_AM)
    return re.sub(r"\s+", " ", s).strip()


_LOOKUP: dict[str, str] = {}
for _n in AGENCIES:
    _LOOKUP[norm(_n)] = _n
    for _a in ALIASES[_n]:
        _LOOKUP[norm(_a)] = _n
    if KIND[_n] == "district":
        for _v in (bare(_n), *vocab.district_forms(bare(_n))):
            _LOOKUP[norm(_v)] = _n


def resolve(s: str) -> str | None:
    return _LOOKUP.get(norm(s))


# ----------------------------------------------------------------------- people


def make_reporter() -> tuple[str, str, str]:
    """A name, an email address and a phone number."""
    f, fr = rng.choice(vocab.FIRST_NAMES)
    last, lr = rng.choice(vocab.LAST_NAMES)
    title = vocab.MR if fr in vocab.MALE else rng.choice(vocab.WOMEN_TITLES)
    phone = vocab.phone_number(rng.randint(0, 9), rng.randint(0, 999), rng.randint(0, 9999))
    return f"{title}{f} {last}", vocab.email_address(fr, lr), phone


def make_reporters() -> dict[str, list[tuple[str, str, str]]]:
    """One to three people who report for each agency."""
    return {a: [make_reporter() for _ in range(rng.choice([1, 1, 2, 2, 3]))] for a in AGENCIES}


# --------------------------------------------------------------------- the register


@dataclass
class Register:
    """The directives, the one the build quarantines, and who must report on what."""

    directives: list[dict]
    rejected: dict
    assignments: list[tuple[str, str]]  # (code, agency) of the accepted directives
    by_code: dict[str, dict]


def make_register() -> Register:
    """40 directives of fiscal year 2566, 20 per round: 5 for every district, 8 for a
    district group, 27 for named agencies."""
    modes = (["all"] * 5 + ["group"] * 8 + ["named"] * 27)
    rng.shuffle(modes)
    theme_order = list(range(len(vocab.THEMES)))
    rng.shuffle(theme_order)
    group_cycle = list(GROUPS) * 2
    rng.shuffle(group_cycle)
    themes = [vocab.THEMES[theme_order[i % len(vocab.THEMES)]] for i in range(len(modes))]
    directives = [make_directive(i, mode, themes[i], group_cycle) for i, mode in enumerate(modes)]
    rejected = reject_one(directives)
    for d in directives:  # self-check: register agency cells resolve
        if d["mode"] == "named":
            resolved = sorted((resolve(x) for x in d["agencies"].split(", ")), key=AGENCY_ORDER.get)
            assert resolved == d["assigned"]
    assignments = [(d["code"], a) for d in directives if d["ok"] for a in d["assigned"]]
    assert len(set(assignments)) == len(assignments)
    return Register(directives, rejected, assignments, {d["code"]: d for d in directives})


def make_directive(i: int, mode: str, theme: vocab.Theme, group_cycle: list[str]) -> dict:
    rnd = 1 if i < 20 else 2
    num = i + 1 if rnd == 1 else i - 19
    text, tcode, fcodes, depts = theme
    if i >= len(vocab.THEMES):  # second use of a theme: vary the wording
        text = text + rng.choice(vocab.THEME_TAILS)
    fcodes = list(fcodes)
    if rng.random() < 0.3:
        fcodes.append(rng.choice([f["code"] for f in FACTORS if f["code"] not in fcodes]))
    fcodes = fcodes[:3]
    assigned, agency_cell = responsible(mode, depts, group_cycle)
    source = rng.choice(vocab.SOURCES)
    due = (date(2024, rng.choice([1, 1, 2]), rng.choice([15, 29])) if rnd == 1
           else date(2024, rng.choice([4, 5, 6]), rng.choice([15, 28])))
    return dict(code=f"2566-{rnd}-{num:03d}", fy=2566, round=rnd, source=source,
                inspector=rng.choice(vocab.INSPECTORS), text=text, type=type_cell(tcode),
                factors=factor_cell(fcodes), agencies=agency_cell, due=due, assigned=assigned,
                mode=mode, ok=True)


def responsible(mode: str, depts: list[str], group_cycle: list[str]) -> tuple[list[str], str]:
    """The agencies a directive assigns (in config order) and its register cell."""
    if mode == "all":
        every = rng.choice([vocab.EVERY_DISTRICT, vocab.EVERY_DISTRICT, vocab.EVERY_KHET])
        return list(DISTRICTS), every
    if mode == "group":
        g = group_cycle.pop()
        return list(GROUPS[g]), vocab.GROUP_PREFIX + g
    k = rng.choice([1, 2, 2, 3, 3, 4])
    chosen = list(dict.fromkeys(depts))[:k]  # the departments the theme fits first
    while len(chosen) < k:
        cand = rng.choice(DISTRICTS) if rng.random() < 0.7 else rng.choice(DEPARTMENTS)
        if cand not in chosen:
            chosen.append(cand)
    return sorted(chosen, key=AGENCY_ORDER.get), ", ".join(register_variant(a) for a in chosen)


def register_variant(agency: str) -> str:
    if KIND[agency] == "district":
        return agency if rng.random() < 0.55 else "เขต" + bare(agency)
    return agency if rng.random() < 0.5 else abbr(agency)


def type_cell(code: str) -> str:
    r = rng.random()
    if r < 0.5:
        return code
    if r < 0.8:
        return TYPE_BY_CODE[code]["label"]
    return code.translate(vocab.THAI_DIGITS)


def factor_cell(codes: list[str]) -> str:
    labels = {f["code"]: f["label"] for f in FACTORS}
    as_label = rng.random() < 0.4
    return ", ".join(labels[c] if as_label else c for c in codes)


def reject_one(directives: list[dict]) -> dict:
    """Exactly one defective register row: a named directive of round 2 whose ประเภท is a
    label that matches no type (unknown_type)."""
    rejected = next(d for d in reversed(directives)
                    if d["mode"] == "named" and len(d["assigned"]) >= 2)
    rejected["type"] = vocab.UNKNOWN_TYPE_LABEL
    rejected["ok"] = False
    return rejected


# ------------------------------------------------------------------- reporting plan


def agencies_with(assignments: list[tuple[str, str]]) -> list[str]:
    return sorted({a for _, a in assignments}, key=AGENCY_ORDER.get)


def by_agency(assignments: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    mine = defaultdict(list)
    for asg in assignments:
        mine[asg[1]].append(asg)
    return mine


def plan_unreported(assignments: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Assignments that get no report: 40% of the agencies lag and skip some of theirs."""
    agencies, mine = agencies_with(assignments), by_agency(assignments)
    laggards = set(rng.sample(agencies, round(len(agencies) * 0.40)))
    unreported = set()
    for a in agencies:
        if a in laggards:
            miss = [x for x in mine[a] if rng.random() < 0.45]
            unreported.update(miss or [rng.choice(mine[a])])
    return unreported


# ----------------------------------------------------------------------- timestamps

START = {1: datetime(2023, 10, 2, 8, 0, 0), 2: datetime(2024, 2, 1, 8, 0, 0)}
END = datetime(2024, 7, 25, 17, 0, 0)
used_ts: set[datetime] = set()  # no two rows share a timestamp


def rand_ts(lo: datetime, hi: datetime) -> datetime:
    while True:
        day = lo.date() + timedelta(days=rng.randint(0, (hi.date() - lo.date()).days))
        if day.weekday() >= 5 and rng.random() < 0.85:
            continue
        h = rng.choices(vocab.REPORT_HOURS, vocab.REPORT_HOUR_WEIGHTS)[0]
        t = datetime(day.year, day.month, day.day, h, rng.randint(0, 59), rng.randint(0, 59))
        if lo <= t <= hi and t not in used_ts:
            used_ts.add(t)
            return t


def shift_ts(t: datetime, fallback: datetime) -> datetime:
    """A time 3-90 minutes after t, else fallback (already reserved)."""
    u = t + timedelta(minutes=rng.randint(3, 90), seconds=rng.randint(0, 59))
    if u not in used_ts and u <= END:
        used_ts.discard(fallback)
        used_ts.add(u)
        return u
    return fallback


def status_sequence(n: int, final: str) -> list[str]:
    seq = ["in_progress"] * (n - 1) + [final]
    if final == "in_progress" and n >= 2 and rng.random() < 0.15:
        seq[-2] = "done"  # a mistaken "done" corrected later
    return seq


# ------------------------------------------------------------------ a report's cells


def drive_links() -> str:
    k = rng.choices([0, 1, 2], [5, 4, 1])[0]
    return ", ".join(vocab.DRIVE_LINK + "".join(rng.choice(vocab.DRIVE_CHARS)
                                                for _ in range(vocab.DRIVE_ID_LENGTH))
                     for _ in range(k))


def result_text(status: str, t: datetime) -> str:
    s = rng.choice(vocab.RESULTS[status])
    n = rng.randint(2, 40)
    return s.format(n=n, m=n + rng.randint(1, 20), p=rng.choice([20, 30, 45, 50, 60, 75, 80, 90]),
                    d=vocab.be_date((t - timedelta(days=rng.randint(1, 10))).date()))


def agency_variant(a: str) -> str:
    """One of the ways people write agency ``a`` that the rules accept."""
    r = rng.random()
    if KIND[a] == "district":
        b = bare(a)
        khet, sanokho, spaced = vocab.district_forms(b)
        opts = [(0.35, a), (0.55, khet), (0.65, sanokho), (0.73, spaced), (0.83, b),
                (0.90, rng.choice(["  " + a + " ", "สำนักงานเขต  " + b, " เขต" + b + "  "])),
                (0.95, a[:5] + vocab.ZWSP + a[5:] + rng.choice(["", vocab.ZWSP]))]
        for p, v in opts:
            if r < p:
                return v
        return a.replace(vocab.SARA_AM, vocab.SARA_AM_SPLIT)
    if r < 0.55:
        return a
    if r < 0.80 and ALIASES[a]:
        return rng.choice(ALIASES[a])
    if r < 0.88:
        return rng.choice([" " + a, a + "  ", a.replace(" ", "   ")])
    if r < 0.94:
        return a[:4] + vocab.ZWSP + a[4:]
    return a.replace(vocab.SARA_AM, vocab.SARA_AM_SPLIT)


def status_cell(key: str) -> str:
    return key if rng.random() < 0.06 else STATUS_LABEL[key]


# ---------------------------------------------------------------------- the responses


class Responses:
    """The form's response rows: the reports, then the defective rows, then the order in
    which the sheet holds them."""

    def __init__(self, register: Register, reporters: dict[str, list[tuple[str, str, str]]]):
        self.register = register
        self.reporters = reporters
        self.rows: list[dict] = []  # valid reports, before ordering
        self.submissions: dict[tuple[str, str], list] = defaultdict(list)  # -> [(ts, status, row)]
        self.defects: list[dict] = []

    def directive_variant(self, code: str) -> str:
        r = rng.random()
        if r < 0.80:
            return code
        if r < 0.92:
            return f"{code} {self.register.by_code[code]['text']}"
        return code.translate(vocab.THAI_DIGITS)

    def row(self, code: str, agency: str, status: str, t) -> dict:
        """A valid report's cells (``t`` a datetime, or text for an unreadable timestamp)."""
        name, email, phone = rng.choice(self.reporters[agency])
        obst, ofac = "", ""
        if status != "done" and rng.random() < 0.6 or rng.random() < 0.1:
            obst = rng.choice(vocab.OBSTACLES)
            ofac = ", ".join(sorted(rng.sample(FACTOR_LABELS, rng.choice([1, 1, 2, 3])),
                                    key=FACTOR_LABELS.index))
        ts_dt = t if isinstance(t, datetime) else None
        return {
            "ts": t, "email": email if rng.random() < 0.92 else "",
            "agency": agency_variant(agency),
            "directive": self.directive_variant(code), "status": status_cell(status),
            "result": result_text(status, ts_dt or datetime(2024, 3, 1)), "obstacles": obst,
            "factors": ofac, "reporter": name, "phone": phone, "attach": drive_links(),
            "old": "", "kind": "valid",
        }

    def report(self, unreported: set[tuple[str, str]]) -> None:
        """1 to 4 submissions per reported assignment: ``in_progress``, then the final one."""
        for asg in self.register.assignments:
            if asg in unreported:
                continue
            code, agency = asg
            rnd = self.register.by_code[code]["round"]
            n = rng.choices([1, 2, 3, 4], [5, 20, 35, 40])[0]
            final = rng.choices(["done", "in_progress", "cannot"],
                                [55, 35, 10] if rnd == 1 else [40, 50, 10])[0]
            seq = status_sequence(n, final)
            times = sorted(rand_ts(START[rnd], END) for _ in range(n))
            if n >= 2 and rng.random() < 0.15:  # a quick resubmission to correct the previous one
                times[-1] = shift_ts(times[-2], times[-1])
            for t, st in zip(times, seq, strict=True):
                r = self.row(code, agency, st, t)
                r["asg"] = asg
                self.rows.append(r)
                self.submissions[asg].append((t, st, r))

    def mark_special_rows(self) -> None:
        """Hostile-looking text, ISO timestamps and the deleted question's old answers."""
        for r, txt in zip(rng.sample(self.rows, len(vocab.HOSTILE)), vocab.HOSTILE, strict=True):
            r["result"] = txt
            r["kind"] = "hostile"
        # ISO text timestamps on 5 valid rows (one of them a latest submission).
        iso_rows = rng.sample([r for r in self.rows if r["kind"] == "valid"], 4)
        iso_rows.append(next(s[-1][2] for s in self.submissions.values()
                             if len(s) >= 2 and s[-1][2]["kind"] == "valid"
                             and s[-1][2] not in iso_rows))
        for r in iso_rows:
            r["iso"] = True
        for r in self.rows:
            if r["ts"] < datetime(2023, 11, 15) and rng.random() < 0.3:
                r["old"] = str(rng.randint(1, 5))

    # Defective rows: each has exactly one defect, so its quarantine reason is known.

    def defect(self, reason: str, **over) -> dict:
        code, agency = rng.choice(self.register.assignments)
        status = rng.choice(["done", "in_progress", "in_progress", "cannot"])
        rnd = self.register.by_code[code]["round"]
        r = self.row(code, agency, status, rand_ts(START[rnd], END))
        r.update(over)
        r["kind"] = reason
        r["asg"] = (code, agency)
        self.defects.append(r)
        return r

    def add_defects(self) -> None:
        self.add_cell_defects()
        self.add_register_defects()
        for _ in range(5):
            self.defect("missing_status", status="")
        for bad in vocab.ODD_STATUSES:
            self.defect("unknown_status", status=bad)
        assert {r["kind"] for r in self.defects} <= set(vocab.RESPONSE_DEFECTS)
        for r in self.defects:  # an alias is a valid report (the cells stay as they are)
            if r["kind"] == "unknown_status" and r["status"] in vocab.STATUS_ALIASES:
                r["kind"] = "valid"
                self.submissions[r["asg"]].append(
                    (r["ts"], vocab.STATUS_ALIASES[r["status"]], r))

    def add_cell_defects(self) -> None:
        """Test rows, bad timestamps, missing or unknown agency and directive."""
        for ag, rep in [(vocab.TEST, None), (vocab.TEST, None), (None, vocab.TEST_SYSTEM),
                        (None, vocab.TEST_EN), (None, vocab.TEST)]:
            r = self.defect("test_row", result=vocab.TEST_RESULT)
            if ag:
                r["agency"] = ag
            if rep:
                r["reporter"] = rep
        for bad in [vocab.UNKNOWN_TIME, vocab.IMPOSSIBLE_TIME, vocab.UNSTATED_TIME]:
            r = self.defect("bad_timestamp")
            used_ts.discard(r["ts"])
            r["ts"] = TextTS(bad)
        for _ in range(3):
            self.defect("missing_agency", agency="")
        for typo in vocab.UNKNOWN_AGENCIES:
            assert resolve(typo) is None, typo
            self.defect("unknown_agency", agency=typo)
        for _ in range(3):
            self.defect("missing_directive", directive="")
        for bad in ["2566-3-099", "2566-1-099", "2565-1-001", "2566-2-050", "2567-1-001",
                    "๒๕๖๖-๓-๐๐๑", "2566-4-001", vocab.NO_CODE]:
            self.defect("unknown_directive", directive=bad)

    def add_register_defects(self) -> None:
        """Reports on the quarantined directive, and on directives an agency doesn't have."""
        rejected = self.register.rejected
        for _ in range(4):
            a = rng.choice(rejected["assigned"])
            r = self.defect("directive_rejected")
            r.update(self.row(rejected["code"], a, rng.choice(["done", "in_progress"]), r["ts"]))
            r["kind"] = "directive_rejected"
            r["directive"] = rng.choice([rejected["code"],
                                         rejected["code"] + " " + rejected["text"]])
        assigned = set(self.register.assignments)
        ok_codes = [d["code"] for d in self.register.directives if d["ok"]]
        for _ in range(8):
            while True:
                code = rng.choice(ok_codes)
                agency = rng.choice(AGENCIES)
                if (code, agency) not in assigned:
                    break
            r = self.defect("not_assigned")
            r.update(self.row(code, agency, rng.choice(["done", "in_progress"]), r["ts"]))
            r["kind"] = "not_assigned"

    def in_sheet_order(self, n_blank: int = 10) -> list[dict]:
        """The rows as the sheet holds them: by time, but with the latest report of some
        assignments above an earlier one, hand-shuffled blocks, undated and blank rows."""
        dated = sorted([r for r in self.rows + self.defects if isinstance(r["ts"], datetime)],
                       key=lambda r: r["ts"])
        multi = [s for s in self.submissions.values() if len(s) >= 2 and s[-1][1] != s[-2][1]]
        for s in rng.sample(multi, 25):
            last, prev = s[-1][2], s[-2][2]
            dated.remove(last)
            dated.insert(dated.index(prev), last)
        for _ in range(8):  # a sheet that was sorted by hand, then re-sorted
            i = rng.randint(0, len(dated) - 12)
            block = dated[i:i + 12]
            rng.shuffle(block)
            dated[i:i + 12] = block
        ordered = list(dated)
        for r in [r for r in self.defects if isinstance(r["ts"], TextTS)]:
            ordered.insert(rng.randint(5, len(ordered) - 5), r)
        for _ in range(n_blank):
            ordered.insert(rng.randint(5, len(ordered) - 5), {"kind": "blank"})
        rename_agency_question(ordered)
        return ordered


def rename_agency_question(ordered: list[dict]) -> None:
    """The agency question was renamed: the last ~25% by timestamp fill the new column."""
    stamps = sorted(r["ts"] for r in ordered if isinstance(r.get("ts"), datetime))
    cutover = stamps[int(len(stamps) * 0.75)]
    for r in ordered:
        if r["kind"] == "blank":
            continue
        dated = isinstance(r["ts"], datetime)
        r["new_col"] = r["ts"] >= cutover if dated else rng.random() < 0.25


def response_cells(r: dict) -> list:
    if r["kind"] == "blank":
        return [None] * len(vocab.RESPONSE_COLUMNS)
    ts = r["ts"]
    if r.get("iso"):
        ts = TextTS(iso(ts))
    ag = r["agency"]
    vals = [ts, r["email"], "" if r["new_col"] else ag, r["directive"], r["status"], r["result"],
            r["obstacles"], r["factors"], r["reporter"], r["phone"], r["attach"], r["old"],
            ag if r["new_col"] else ""]
    return [None if v == "" else v for v in vals]


# ------------------------------------------------------------------ satisfaction


def make_satisfaction() -> list[dict]:
    """98 answers skewed high, then 1 off-scale answer, 1 undated row and 2 blank rows."""
    sat = []
    s_used = set()
    for _ in range(96 + 2):
        while True:
            t = datetime(2024, 5, 1, 8) + timedelta(seconds=rng.randint(0, 86 * 86400))
            if 7 <= t.hour <= 20 and t not in s_used:
                s_used.add(t)
                break
        g = rng.choices(vocab.SURVEY_GROUPS, [21, 27, 81])[0]
        answers = [LABEL_OF[rng.choices([4, 3, 2, 1], [45, 42, 10, 3])[0]]
                   for _ in vocab.SATISFACTION_QUESTIONS]
        comment = rng.choice(vocab.SURVEY_COMMENTS) if rng.random() < 0.3 else None
        sat.append({"ts": t, "group": g, "answers": answers, "comment": comment, "kind": "valid"})
    sat.sort(key=lambda r: r["ts"])
    sat[40]["answers"][2] = vocab.OFF_SCALE_ANSWER
    sat[40]["kind"] = "unknown_answer"
    sat[71]["ts"] = TextTS(vocab.UNKNOWN_TIME)
    sat[71]["kind"] = "bad_timestamp"
    sat.insert(33, {"kind": "blank"})
    sat.insert(77, {"kind": "blank"})
    assert {r["kind"] for r in sat} <= {"valid", *vocab.SURVEY_DEFECTS}
    return sat


def satisfaction_cells(r: dict) -> list:
    if r["kind"] == "blank":
        return [None] * len(vocab.SATISFACTION_COLUMNS)
    return [r["ts"], r["group"], *r["answers"], r["comment"]]


def directive_cells(d: dict) -> list:
    return [d["code"], d["fy"], d["round"], d["source"], d["inspector"], d["text"], d["type"],
            d["factors"], d["agencies"], d["due"]]


# ------------------------------------------------------------------------ writing


def write_csv(path: Path, header: list[str], rows: list[list], bom: bool) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(v) for v in r])
    path.write_bytes(("\ufeff" if bom else "").encode() + buf.getvalue().encode("utf-8"))


def fill_sheet(ws, header: list[str], rows: list[list]) -> None:
    ws.append(header)
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(r, start=1):
            if v is None:
                continue
            c = ws.cell(row=i, column=j)
            if isinstance(v, TextTS):
                c.value = str(v)
                c.data_type = "s"
            elif isinstance(v, datetime):
                c.value = v
                c.number_format = "d/m/yyyy h:mm:ss"
            elif isinstance(v, date):
                c.value = v
                c.number_format = "d/m/yyyy"
            else:
                c.value = v
                if isinstance(v, str):
                    c.data_type = "s"  # '=HYPERLINK(...)' typed by a person is text, not a formula


def write_xlsx(path: Path, d_rows: list[list], r_rows: list[list], s_rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = form["tabs"]["directives"]
    fill_sheet(ws, vocab.DIRECTIVE_COLUMNS, d_rows)
    fill_sheet(wb.create_sheet(form["tabs"]["responses"]), vocab.RESPONSE_COLUMNS, r_rows)
    fill_sheet(wb.create_sheet(form["tabs"]["satisfaction"]), vocab.SATISFACTION_COLUMNS, s_rows)
    fixed = datetime(*FIXED_ZIP_TIME)
    wb.properties.created = fixed
    wb.properties.creator = "tidtam sample/generate.py"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps "modified" and zip entry times with the clock: pin both.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2024-07-31T00:00:00Z\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            z.writestr(zi, data)
    path.write_bytes(out.getvalue())


# -------------------------------------------------------------------- expected.json


def latest_reports(register: Register, responses: Responses) -> list[dict]:
    """The latest valid report of every assignment, by code then agency in config order."""
    latest = []
    for asg in sorted(register.assignments, key=lambda x: (x[0], AGENCY_ORDER[x[1]])):
        subs = responses.submissions.get(asg, [])
        stamps_ = [t for t, _, _ in subs]
        assert len(set(stamps_)) == len(stamps_)
        entry = {"directive_code": asg[0], "agency": asg[1], "status": "not_reported",
                 "reported_at": None}
        if subs:
            t, st, _ = max(subs, key=lambda s: s[0])
            entry.update(status=st, reported_at=iso(t))
        latest.append(entry)
    return latest


def expected(register: Register, responses: Responses, ordered: list[dict], sat: list[dict]
             ) -> dict:
    resp_rejected = Counter(r["kind"] for r in ordered
                            if r["kind"] not in ("valid", "hostile", "blank"))
    latest = latest_reports(register, responses)
    by_status = Counter(x["status"] for x in latest)
    status_of = {(x["directive_code"], x["agency"]): x["status"] for x in latest}
    mine = by_agency(register.assignments)
    reported = [a for a in agencies_with(register.assignments)
                if all(status_of[x] != "not_reported" for x in mine[a])]
    directives = register.directives
    return {
        "as_of": vocab.AS_OF.isoformat(),
        "directives": {"rows": len(directives), "accepted": sum(d["ok"] for d in directives),
                       "rejected": {"unknown_type": 1},
                       "rejected_codes": [register.rejected["code"]]},
        "responses": {"rows": len(ordered),
                      "blank": sum(1 for r in ordered if r["kind"] == "blank"),
                      "accepted": sum(1 for r in ordered if r["kind"] in ("valid", "hostile")),
                      "rejected": dict(sorted(resp_rejected.items()))},
        "satisfaction": satisfaction_counts(sat),
        "assignments": {"total": len(register.assignments),
                        "by_status": {k: by_status[k] for k in
                                      ("done", "in_progress", "cannot", "not_reported")}},
        "agencies": {"with_assignments": len(agencies_with(register.assignments)),
                     "reported": len(reported)},
        "latest": latest,
    }


def satisfaction_counts(sat: list[dict]) -> dict:
    s_ok = [r for r in sat if r["kind"] == "valid"]
    scores = [SCALE[a] for r in s_ok for a in r["answers"]]
    return {
        "rows": len(sat), "blank": sum(r["kind"] == "blank" for r in sat), "accepted": len(s_ok),
        "rejected": dict(sorted(Counter(r["kind"] for r in sat
                                        if r["kind"] not in ("valid", "blank")).items())),
        "answers": len(scores), "score_sum": sum(scores),
        "mean_score": round(sum(scores) / len(scores), 4),
        "score_pct": round(sum(scores) / len(scores) * 100 / max(SCALE.values()), 2),
        "high_share_pct": round(sum(s >= HIGH_FROM for s in scores) * 100 / len(scores), 2),
    }


def expected_text(exp: dict) -> str:
    """expected.json: the counts indented, then one line per ``latest`` entry."""
    head = json.dumps({k: v for k, v in exp.items() if k != "latest"}, ensure_ascii=False, indent=1)
    latest = ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in exp["latest"])
    text = head[:-2] + ',\n "latest": [\n  ' + latest + "\n ]\n}\n"
    assert json.loads(text) == exp
    return text


# ------------------------------------------------------------------------ main


def self_check(responses: Responses, ordered: list[dict]) -> None:
    """Every valid agency cell resolves; count the assignments whose last row in the sheet
    is not their latest report."""
    for r in ordered:
        if r["kind"] in ("valid", "hostile"):
            assert resolve(r["agency"]) == r["asg"][1], r["agency"]
    out_of_order = 0
    pos = {id(r): i for i, r in enumerate(ordered)}
    for s in responses.submissions.values():
        if len(s) >= 2:
            by_row = max(s, key=lambda x: pos[id(x[2])])
            if by_row[0] != s[-1][0] and by_row[1] != s[-1][1]:
                out_of_order += 1
    print("assignments whose last row is not their latest report (different status): "
          f"{out_of_order}")


def main() -> None:
    reporters = make_reporters()
    register = make_register()
    responses = Responses(register, reporters)
    responses.report(plan_unreported(register.assignments))
    responses.mark_special_rows()
    responses.add_defects()
    ordered = responses.in_sheet_order()
    sat = make_satisfaction()

    d_rows = [directive_cells(d) for d in register.directives]
    r_rows = [response_cells(r) for r in ordered]
    s_rows = [satisfaction_cells(r) for r in sat]
    DATA.mkdir(parents=True, exist_ok=True)
    write_csv(DATA / "directives.csv", vocab.DIRECTIVE_COLUMNS, d_rows, bom=False)
    write_csv(DATA / "responses.csv", vocab.RESPONSE_COLUMNS, r_rows, bom=True)
    write_csv(DATA / "satisfaction.csv", vocab.SATISFACTION_COLUMNS, s_rows, bom=False)
    write_xlsx(OUT / "tidtam-sample.xlsx", d_rows, r_rows, s_rows)
    exp = expected(register, responses, ordered, sat)
    (OUT / "expected.json").write_text(expected_text(exp), "utf-8")
    self_check(responses, ordered)
    print(json.dumps({k: v for k, v in exp.items() if k != "latest"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
