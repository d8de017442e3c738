"""Generate realistic synthetic tidtam input at benchmark sizes (1k, 10k, 100k, 1M reports).

Run from the repository root::

    .venv/bin/python bench/generate.py --size 100k

Writes ``bench/out/<size>/``:

* ``data/directives.csv``, ``data/responses.csv``, ``data/satisfaction.csv``: a CSV folder
  source with the same column contract as ``sample/data`` (see sample/README.md);
* ``config/*.yaml``: a copy of the project's config, with synthetic agencies appended to
  ``agencies.yaml`` at the larger sizes (so that assignments grow with the data);
* ``expected.json``: what the generator intended (row counts, quarantine by reason,
  assignments), for tests and for the benchmark to check the build against.

Directives scale with reports (about 50 reports per directive: 20k directives over ten
fiscal years at 1M). Most rows are valid reports written the messy ways real form data is
written (agency variants, codes with text or in Thai digits, English status keys, ISO
timestamps, a renamed agency question, a deleted question); a few percent are defective,
each with exactly one defect so its quarantine reason is known. The response sheet is
generated column-wise with numpy: 1M rows take a few seconds. Deterministic for a size
and seed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "sample"))
import vocabulary as vocab  # noqa: E402 (sample/vocabulary.py: the tables both generators share)

CONFIG = ROOT / "config"
OUT = ROOT / "bench" / "out"
AS_OF = vocab.AS_OF
LAST_FISCAL_YEAR = 2567  # the fiscal year of AS_OF (B.E.)

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# Share of response rows per defect (each defective row has exactly one defect); every
# reason appears at least once at any size. About 3.6% of rows in all.
RESPONSE_DEFECTS = {
    "blank": 0.004, "test_row": 0.002, "bad_timestamp": 0.002, "future_timestamp": 0.001,
    "missing_agency": 0.002, "unknown_agency": 0.005, "missing_directive": 0.002,
    "unknown_directive": 0.005, "directive_rejected": 0.003, "not_assigned": 0.005,
    "missing_status": 0.002, "unknown_status": 0.003,
}
# Share of register rows per defect.
REGISTER_DEFECTS = {"blank": 0.003, "duplicate_code": 0.002, "unknown_type": 0.002,
                    "unknown_factor": 0.002, "bad_due_date": 0.002}
assert list(RESPONSE_DEFECTS) == vocab.RESPONSE_DEFECTS
assert list(REGISTER_DEFECTS) == vocab.REGISTER_DEFECTS

# What the bench draws from the shared tables: these subsets, in this order, are part of
# what a seed generates (change them and every data set changes). Two texts stop short.
THEMES = [vocab.THEMES[i].text for i in (0, 1, 3, 5, 8, 10, 12, 13, 14, 15, 17, 25, 21, 28)]
THEMES[10] = THEMES[10].removesuffix("ให้แล้วเสร็จ")
THEME_TAILS = ["", *vocab.THEME_TAILS]
RESULTS = {status: [t for t in templates if "{d}" not in t]  # numbers filled in, no dates
           for status, templates in vocab.RESULTS.items()}
HOSTILE = [*vocab.HOSTILE[:4], vocab.HOSTILE[5].removesuffix(" จะแล้วเสร็จภายในเดือนหน้า")]
FIRST = vocab.FIRST_NAMES[:12]
MALE = [i for i, (_, roman) in enumerate(FIRST) if roman in vocab.MALE]
LAST = [vocab.LAST_NAMES[i] for i in (0, 1, 2, 3, 5, 6, 7, 8, 11)]
DRIVE_CHARS = np.array(list(vocab.DRIVE_CHARS))


@dataclass(frozen=True)
class Scale:
    """How big each part of the data set is for a number of report rows."""

    reports: int
    directives: int
    fiscal_years: int
    extra_agencies: int
    satisfaction: int

    @staticmethod
    def of(reports: int) -> Scale:
        """About 50 reports per directive; more fiscal years and agencies as data grows."""
        directives = max(20, reports // 50)
        years = 1 if reports <= 1_000 else 2 if reports <= 10_000 else \
            5 if reports <= 100_000 else 10
        extra = 0 if reports <= 10_000 else min(1_000, reports // 2_000)
        return Scale(reports, directives, years, extra, max(100, reports // 200))


def parse_size(text: str) -> tuple[str, int]:
    """``100k`` -> ("100k", 100000); plain numbers and ``1M`` work too."""
    key = text.strip().lower()
    if key in SIZES:
        return key, SIZES[key]
    mult = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    number = key[:-1] if mult > 1 else key
    try:
        value = int(float(number) * mult)
    except ValueError:
        raise SystemExit(f"size {text!r}: use 1k, 10k, 100k, 1m or a number of rows") from None
    if value < 200:
        raise SystemExit(f"size {text!r}: at least 200 rows")
    return key, value


def match_key(text: str) -> str:
    """The same normalization the pipeline matches names with (kept separate on purpose:
    the generator checks its own intent, it does not run pipeline code)."""
    text = unicodedata.normalize("NFC", text)
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        text = text.replace(ch, "")
    text = text.replace(vocab.SARA_AM_SPLIT, vocab.SARA_AM)
    return "".join(text.split()).replace(".", "").casefold()


# ---------------------------------------------------------------------------- agencies


def load_config() -> dict:
    """The project's config files as plain YAML data."""
    return {name: yaml.safe_load((CONFIG / f"{name}.yaml").read_text("utf-8"))
            for name in ("agencies", "taxonomy", "form")}


def synthetic_agencies(count: int) -> list[dict]:
    """Public health centres and schools, the BMA units that outnumber the departments."""
    out = []
    for k in range(1, count + 1):
        if k <= 69:
            out.append({"name": f"ศูนย์บริการสาธารณสุข {k}", "kind": "other",
                        "aliases": [f"ศบส. {k}"]})
        else:
            n = k - 69
            out.append({"name": f"โรงเรียนสังกัดกรุงเทพมหานคร แห่งที่ {n}", "kind": "other",
                        "aliases": [f"รร.กทม. แห่งที่ {n}"]})
    return out


def write_config(folder: Path, agencies: list[dict]) -> None:
    """config/*.yaml copied, agencies.yaml replaced by the extended list."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in CONFIG.glob("*.yaml"):
        shutil.copyfile(file, folder / file.name)
    text = ("# Generated by bench/generate.py: the project's agencies plus synthetic ones.\n"
            + yaml.safe_dump({"agencies": agencies}, allow_unicode=True, sort_keys=False))
    (folder / "agencies.yaml").write_text(text, encoding="utf-8")


class Agencies:
    """Agency names, kinds and the ways people write them (a table of variants)."""

    # Variant slots and how often each is written, for districts and for the others.
    DISTRICT_P = np.array([0.35, 0.20, 0.10, 0.08, 0.10, 0.07, 0.05, 0.05])
    OTHER_P = np.array([0.55, 0.25, 0.08, 0.06, 0.06, 0.0, 0.0, 0.0])

    def __init__(self, agencies: list[dict]):
        self.names = [a["name"] for a in agencies]
        self.kind = np.array([a["kind"] for a in agencies])
        self.aliases = [list(a.get("aliases", [])) for a in agencies]
        self.group = [a.get("district_group") for a in agencies]
        self.districts = np.flatnonzero(self.kind == "district")
        self.departments = np.flatnonzero(self.kind == "department")
        self.others = np.flatnonzero(self.kind == "other")
        self.groups: dict[str, list[int]] = {}
        for i, g in enumerate(self.group):
            if g:
                self.groups.setdefault(g, []).append(i)
        self.table = np.array([self._variants(i) for i in range(len(self.names))],
                              dtype=object)
        self.keys = {match_key(v) for row in self.table for v in row}
        self.keys |= {match_key(a) for al in self.aliases for a in al}

    def _variants(self, i: int) -> list[str]:
        name = self.names[i]
        decomposed = name.replace(vocab.SARA_AM, vocab.SARA_AM_SPLIT)
        zw = name[:4] + vocab.ZWSP + name[4:]
        if self.kind[i] == "district":
            bare = name.removeprefix(vocab.DISTRICT_PREFIX)
            return [name, *vocab.district_forms(bare), bare, "  " + name + " ", zw, decomposed]
        alias = self.aliases[i][0] if self.aliases[i] else name
        return [name, alias, " " + name + "  ", zw, decomposed, name, name, name]

    def written(self, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """How each agency in ``idx`` is written on a form, drawn from its variants."""
        u = rng.random(len(idx))
        slot_d = np.searchsorted(np.cumsum(self.DISTRICT_P), u, side="right")
        slot_o = np.searchsorted(np.cumsum(self.OTHER_P), u, side="right")
        slot = np.minimum(np.where(self.kind[idx] == "district", slot_d, slot_o), 7)
        return self.table[idx, slot]

    def register_cell(self, i: int, rng: np.random.Generator) -> str:
        """How the register names one agency: canonical, ``เขตX`` or an abbreviation."""
        if rng.random() < 0.55:
            return self.names[i]
        if self.kind[i] == "district":
            return "เขต" + self.names[i].removeprefix(vocab.DISTRICT_PREFIX)
        return self.aliases[i][0] if self.aliases[i] else self.names[i]

    def typos(self, rng: np.random.Generator, count: int = 60) -> list[str]:
        """Misspelt agency names that no rule accepts (a bounded set, as in real sheets)."""
        out = [vocab.UNKNOWN_AGENCIES[i] for i in (6, 0, 1)]  # then typos of real names
        real = [i for i in range(len(self.names)) if self.kind[i] != "other"]
        for i in rng.permutation(real)[:count]:
            name = self.names[i]
            for typo in (name[:-1], name[:-2] + name[-1], name + name[-1]):
                if match_key(typo) not in self.keys and typo not in out:
                    out.append(typo)
                    break
        return out


# -------------------------------------------------------------------------- register


@dataclass
class Register:
    """The generated register and what it means."""

    rows: list[list[str]]
    codes: list[str]             # one per accepted directive
    texts: list[str]
    issued: np.ndarray           # datetime64[D] per accepted directive
    members: list[list[int]]     # agency indexes per accepted directive
    rejected: list[tuple[str, list[int], date]]  # (code, intended agencies, issued)
    defects: dict[str, int]


def make_register(scale: Scale, ag: Agencies, taxonomy: dict, rng: np.random.Generator
                  ) -> Register:
    """Directives over the fiscal years, two rounds each, with a few defective rows."""
    types = taxonomy["directive_types"]
    factors = taxonomy["impact_factors"]
    n = scale.directives
    years = list(range(LAST_FISCAL_YEAR - scale.fiscal_years + 1, LAST_FISCAL_YEAR + 1))
    defect_of = _defect_plan(n, REGISTER_DEFECTS, rng, exclude={"blank", "duplicate_code"})
    rows, codes, texts, issued, members, rejected = [], [], [], [], [], []
    numbers: dict[tuple[int, int], int] = {}
    latest_issue = AS_OF - timedelta(days=20)
    for i in range(n):
        fy = years[i * len(years) // n]
        rnd = 1 if (i * len(years) * 2 // n) % 2 == 0 else 2
        numbers[fy, rnd] = numbers.get((fy, rnd), 0) + 1
        code = f"{fy}-{rnd}-{numbers[fy, rnd]:03d}"
        start = date(fy - vocab.BE - 1, 10, 1) if rnd == 1 else date(fy - vocab.BE, 4, 1)
        issue = min(start + timedelta(days=int(rng.integers(0, 150))), latest_issue)
        due = issue + timedelta(days=int(rng.integers(30, 120)))
        text = THEMES[rng.integers(len(THEMES))] + THEME_TAILS[rng.integers(len(THEME_TAILS))]
        t = types[rng.integers(len(types))]
        type_cell = [t["code"], t["label"], t["code"].translate(vocab.THAI_DIGITS)][
            rng.choice(3, p=[0.5, 0.3, 0.2])]
        fs = sorted(rng.choice(len(factors), size=rng.integers(1, 4), replace=False))
        as_label = rng.random() < 0.4
        factor_cell = ", ".join(factors[f]["label"] if as_label else factors[f]["code"]
                                for f in fs)
        assigned, agency_cell = _responsible(ag, rng)
        defect = defect_of.get(i)
        if defect == "unknown_type":  # a label typo (a code config lacks stops the build)
            type_cell = vocab.UNKNOWN_TYPE_LABEL
        elif defect == "unknown_factor":
            factor_cell = vocab.UNKNOWN_FACTOR
        elif defect == "bad_due_date":
            due = vocab.DUE_IN_WORDS
        row = [code, str(fy), str(rnd), vocab.SOURCES[rng.integers(len(vocab.SOURCES))],
               vocab.INSPECTORS[rng.integers(len(vocab.INSPECTORS))], text, type_cell,
               factor_cell, agency_cell, due if isinstance(due, str) else vocab.be_date(due)]
        rows.append(row)
        if defect:
            rejected.append((code, assigned, issue))
            continue
        codes.append(code)
        texts.append(text)
        issued.append(issue)
        members.append(assigned)
    counts = {reason: sum(1 for d in defect_of.values() if d == reason)
              for reason in ("unknown_type", "unknown_factor", "bad_due_date")}
    counts["duplicate_code"] = _add_duplicates(rows, codes, rng, n)
    counts["blank"] = _add_blanks(rows, rng, _count(n, REGISTER_DEFECTS["blank"]),
                                  len(vocab.DIRECTIVE_COLUMNS))
    return Register(rows, codes, texts, np.array(issued, dtype="datetime64[D]"), members,
                    rejected, counts)


def _responsible(ag: Agencies, rng: np.random.Generator) -> tuple[list[int], str]:
    """Who a directive is for: every district, a district group, or 1 to 8 named agencies."""
    mode = rng.choice(3, p=[0.15, 0.15, 0.70])
    if mode == 0:
        return list(ag.districts), [vocab.EVERY_DISTRICT, vocab.EVERY_KHET][rng.integers(2)]
    if mode == 1:
        group = list(ag.groups)[rng.integers(len(ag.groups))]
        return list(ag.groups[group]), vocab.GROUP_PREFIX + group
    k = int(rng.choice(8, p=[0.2, 0.2, 0.15, 0.15, 0.1, 0.1, 0.05, 0.05])) + 1
    pools = [ag.districts, ag.departments, ag.others]
    weights = np.array([0.5, 0.25, 0.25 if len(ag.others) else 0.0])
    chosen: list[int] = []
    while len(chosen) < k:
        pool = pools[rng.choice(3, p=weights / weights.sum())]
        pick = int(pool[rng.integers(len(pool))])
        if pick not in chosen:
            chosen.append(pick)
    return chosen, ", ".join(ag.register_cell(i, rng) for i in chosen)


def _add_duplicates(rows: list[list[str]], codes: list[str], rng, n: int) -> int:
    """Rows that repeat an earlier accepted code with other text (a copy-paste slip)."""
    count = _count(n, REGISTER_DEFECTS["duplicate_code"])
    for _ in range(count):
        code = codes[rng.integers(len(codes))]
        source = next(r for r in rows if r[0] == code)
        dup = list(source)
        dup[5] = source[5] + vocab.DUPLICATE_MARK
        rows.insert(rows.index(source) + 1 + int(rng.integers(0, 5)), dup)
    return count


def _add_blanks(rows: list, rng, count: int, width: int) -> int:
    for _ in range(count):
        rows.insert(int(rng.integers(1, len(rows))), [""] * width)
    return count


def _count(n: int, share: float) -> int:
    return max(1, round(n * share))


def _defect_plan(n: int, shares: dict[str, float], rng, exclude=()) -> dict[int, str]:
    """Which row index gets which defect (at least one of each)."""
    reasons = [(r, _count(n, s)) for r, s in shares.items() if r not in exclude]
    total = sum(c for _, c in reasons)
    picks = rng.choice(n, size=total, replace=False)
    plan, k = {}, 0
    for reason, c in reasons:
        for i in picks[k:k + c]:
            plan[int(i)] = reason
        k += c
    return plan


# ------------------------------------------------------------------------- responses


def make_responses(scale: Scale, reg: Register, ag: Agencies, taxonomy: dict,
                   rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, int], int]:
    """The form's response sheet, column-wise; returns (frame, defects by reason, valid)."""
    labels = {s["key"]: s["label"] for s in taxonomy["statuses"]}
    asg_dir = np.repeat(np.arange(len(reg.members)), [len(m) for m in reg.members])
    asg_agency = np.concatenate([np.asarray(m, dtype=np.int64) for m in reg.members])
    current = np.array([c.startswith(str(LAST_FISCAL_YEAR)) for c in reg.codes])[asg_dir]
    reported = _reported_assignments(asg_agency, current, len(ag.names), rng)

    n = scale.reports
    counts = {r: _count(n, s) for r, s in RESPONSE_DEFECTS.items()}
    if not reg.rejected:
        counts["directive_rejected"] = 0
    kind = np.full(n, "valid", dtype=object)
    kind[:sum(counts.values())] = np.repeat(list(counts), list(counts.values()))
    kind = kind[rng.permutation(n)]

    pick = _report_assignments(reported, n, rng)
    d_idx, a_idx = asg_dir[pick], asg_agency[pick]
    secs = _report_seconds(reg.issued[d_idx], rng)
    status = _status_flow(pick, secs, rng)

    code = np.array(reg.codes, dtype=object)[d_idx]
    agency = ag.written(a_idx, rng)
    _defects(kind, code, agency, a_idx, secs, status, reg, ag, asg_dir, asg_agency, rng)

    frame = _response_cells(kind, secs, code, agency, a_idx, status, reg, ag, labels, rng)
    order = np.argsort(secs + _jitter(n, rng), kind="stable")
    order = _blank_not_last(order, kind)
    frame = frame.iloc[order].reset_index(drop=True)
    _rename_agency_question(frame, kind[order])
    defects = {r: int(c) for r, c in counts.items() if c}
    return frame, defects, int((kind == "valid").sum())


def _reported_assignments(asg_agency: np.ndarray, current: np.ndarray, n_agencies: int,
                          rng) -> np.ndarray:
    """Assignments that get reports: past years' are nearly all closed; in the current
    fiscal year a quarter of the agencies lag and leave many unreported."""
    laggard = rng.random(n_agencies) < 0.25
    miss = np.where(current, np.where(laggard[asg_agency], 0.3, 0.01),
                    np.where(laggard[asg_agency], 0.02, 0.0))
    return np.flatnonzero(rng.random(len(asg_agency)) >= miss)


def _report_assignments(reported: np.ndarray, n: int, rng) -> np.ndarray:
    """The assignment each row reports on: one report for every reported assignment, the
    rest spread unevenly (some agencies update monthly, some once)."""
    first = rng.permutation(reported)[:n]
    weights = rng.gamma(2.0, size=len(reported))
    more = reported[rng.choice(len(reported), size=n - len(first), p=weights / weights.sum())]
    return rng.permutation(np.concatenate([first, more]))


def _report_seconds(issued: np.ndarray, rng) -> np.ndarray:
    """Submission times (seconds since 1970, Bangkok wall clock), in office hours mostly,
    between the directive's issue and two years later or AS_OF."""
    first = issued.astype(np.int64) + 1
    last = np.minimum(first + 720, np.datetime64(AS_OF, "D").astype(np.int64))
    day = first + (rng.random(len(first)) * (last - first + 1)).astype(np.int64)
    hours = np.array(vocab.REPORT_HOURS)
    hw = np.array(vocab.REPORT_HOUR_WEIGHTS, dtype=float)
    hour = rng.choice(hours, size=len(first), p=hw / hw.sum())
    return day * 86400 + hour * 3600 + rng.integers(0, 3600, len(first))


def _status_flow(pick: np.ndarray, secs: np.ndarray, rng) -> np.ndarray:
    """``in_progress`` first, then a final ``done``/``in_progress``/``cannot`` per assignment."""
    n = len(pick)
    order = np.lexsort((secs, pick))
    last_in_group = np.ones(n, dtype=bool)
    last_in_group[:-1] = pick[order][1:] != pick[order][:-1]
    final = rng.choice(["done", "in_progress", "cannot"], size=n, p=[0.6, 0.3, 0.1])
    earlier = rng.choice(["in_progress", "done"], size=n, p=[0.92, 0.08])
    status = np.empty(n, dtype=object)
    status[order] = np.where(last_in_group, final, earlier)
    return status


def _jitter(n: int, rng) -> np.ndarray:
    """Rows are in submission order except a few out of place (hand-sorted sheets)."""
    out = np.zeros(n, dtype=np.int64)
    moved = rng.random(n) < 0.03
    out[moved] = rng.integers(-86400 * 3, 86400 * 3, int(moved.sum()))
    return out


def _defects(kind, code, agency, a_idx, secs, status, reg: Register, ag: Agencies,
             asg_dir, asg_agency, rng) -> None:
    """Give each defective row its one defect (in place)."""
    def rows(reason: str) -> np.ndarray:
        return np.flatnonzero(kind == reason)

    test = rows("test_row")
    agency[test[::2]] = vocab.TEST
    for r in rows("future_timestamp"):
        secs[r] = (np.datetime64(AS_OF, "D").astype(np.int64) + 1 + rng.integers(0, 60)) \
            * 86400 + 10 * 3600
    agency[rows("missing_agency")] = ""
    typos = ag.typos(rng)
    bad_agency = rows("unknown_agency")
    agency[bad_agency] = np.array(typos, dtype=object)[rng.integers(0, len(typos),
                                                                     len(bad_agency))]
    code[rows("missing_directive")] = ""
    unknown = rows("unknown_directive")
    for j, r in enumerate(unknown):
        made_up = code[r].rsplit("-", 2)[0] + f"-3-{rng.integers(1, 999):03d}"
        code[r] = [made_up, made_up.translate(vocab.THAI_DIGITS), vocab.NO_CODE][j % 3]
    for r in rows("directive_rejected"):
        rcode, members, issued = reg.rejected[rng.integers(len(reg.rejected))]
        code[r] = rcode
        a_idx[r] = members[rng.integers(len(members))]
        agency[r] = ag.names[a_idx[r]]
        secs[r] = _report_seconds(np.array([issued], dtype="datetime64[D]"), rng)[0]
    assigned = set(zip(asg_dir.tolist(), asg_agency.tolist(), strict=True))
    for r in rows("not_assigned"):
        while True:
            d, a = int(rng.integers(len(reg.codes))), int(rng.integers(len(ag.names)))
            if (d, a) not in assigned:
                break
        code[r], a_idx[r], agency[r] = reg.codes[d], a, ag.names[a]
        secs[r] = _report_seconds(reg.issued[[d]], rng)[0]
    status[rows("missing_status")] = ""
    bad_status = rows("unknown_status")
    status[bad_status] = np.array(vocab.UNKNOWN_STATUSES, dtype=object)[
        np.arange(len(bad_status)) % len(vocab.UNKNOWN_STATUSES)]


def _response_cells(kind, secs, code, agency, a_idx, status, reg: Register, ag: Agencies,
                    labels: dict, rng) -> pd.DataFrame:
    """Every column of the response sheet as text."""
    n = len(kind)
    ts = np.array(be_datetimes(secs), dtype=object)
    iso = (kind == "valid") & (rng.random(n) < 0.003)
    ts[iso] = [iso_datetime(s) for s in secs[iso]]
    bad_ts = np.flatnonzero(kind == "bad_timestamp")
    ts[bad_ts] = np.array([vocab.UNKNOWN_TIME, vocab.UNSTATED_TIME, vocab.IMPOSSIBLE_TIME, ""],
                          dtype=object)[np.arange(len(bad_ts)) % 4]

    text_by_code = dict(zip(reg.codes, reg.texts, strict=True))
    directive = code.copy()
    u = rng.random(n)
    for r in np.flatnonzero((kind == "valid") & (u < 0.20)):
        directive[r] = (f"{code[r]} {text_by_code[code[r]]}" if u[r] < 0.12
                        else code[r].translate(vocab.THAI_DIGITS))

    status_cell = np.array([labels.get(s, s) for s in status], dtype=object)
    as_key = (kind == "valid") & (rng.random(n) < 0.06)
    status_cell[as_key] = status[as_key]

    people = reporter_pool(len(ag.names), rng)
    person = a_idx * 3 + rng.integers(0, 3, n)
    reporter = people["name"][person]
    reporter[np.flatnonzero(kind == "test_row")[1::2]] = vocab.TEST_SYSTEM
    email = np.where(rng.random(n) < 0.92, people["email"][person], "")
    obstacles, obstacle_factors = _obstacles(status, rng)
    old = np.where(rng.random(n) < 0.03, rng.integers(1, 6, n).astype(str), "")
    columns = [ts, email, agency, directive, status_cell, _results(status, rng), obstacles,
               obstacle_factors, reporter, people["phone"][person], _attachments(n, rng), old,
               ""]  # in vocab.RESPONSE_COLUMNS order; the renamed agency question comes later
    frame = pd.DataFrame(dict(zip(vocab.RESPONSE_COLUMNS, columns, strict=True)),
                         columns=vocab.RESPONSE_COLUMNS)
    frame.loc[kind == "blank", :] = ""
    return frame


def _blank_not_last(order: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Keep a blank row off the end: readers trim trailing empty rows as spare sheet rows,
    so a blank last row would not be counted."""
    order = order.copy()
    filled = np.flatnonzero(kind[order] != "blank")
    last = filled[-1]
    order[last], order[-1] = order[-1], order[last]
    return order


def _rename_agency_question(frame: pd.DataFrame, kind: np.ndarray) -> None:
    """The agency question was renamed: the last quarter of rows fill the new column."""
    cut = int(len(frame) * 0.75)
    frame.loc[cut:, vocab.RENAMED_AGENCY] = frame.loc[cut:, vocab.AGENCY]
    frame.loc[cut:, vocab.AGENCY] = ""


def reporter_pool(n_agencies: int, rng) -> dict[str, np.ndarray]:
    """Three reporters per agency: name, email, phone."""
    m = n_agencies * 3
    f = rng.integers(0, len(FIRST), m)
    la = rng.integers(0, len(LAST), m)
    title = np.where(np.isin(f, MALE), vocab.MR,
                     np.array(vocab.WOMEN_TITLES)[rng.integers(0, 2, m)])
    name = [f"{t}{FIRST[i][0]} {LAST[j][0]}" for t, i, j in zip(title, f, la, strict=True)]
    email = [vocab.email_address(FIRST[i][1], LAST[j][1]) for i, j in zip(f, la, strict=True)]
    phone = [vocab.phone_number(a, b, c) for a, b, c in zip(
        rng.integers(0, 10, m), rng.integers(0, 1000, m), rng.integers(0, 10000, m),
        strict=True)]
    return {k: np.array(v, dtype=object) for k, v in
            (("name", name), ("email", email), ("phone", phone))}


def _results(status: np.ndarray, rng) -> np.ndarray:
    """What was done: a template by status with numbers filled in; a few hostile-looking."""
    n = len(status)
    out = np.full(n, "อยู่ระหว่างดำเนินการ", dtype=object)  # for off-standard statuses
    nums = rng.integers(2, 40, n)
    for key, templates in RESULTS.items():
        rows = np.flatnonzero(status == key)
        t = rng.integers(0, len(templates), len(rows))
        out[rows] = [templates[i].format(n=k, m=k + 7, p=k * 2)
                     for i, k in zip(t, nums[rows], strict=True)]
    hostile = np.flatnonzero(rng.random(n) < 0.002)
    out[hostile] = np.array(HOSTILE, dtype=object)[np.arange(len(hostile)) % len(HOSTILE)]
    return out


def _obstacles(status: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Obstacles and their factor checkboxes (labels joined by ', ') for some reports."""
    from itertools import combinations

    n = len(status)
    has = rng.random(n) < np.where(status == "done", 0.1, 0.6)
    obstacles = np.where(has, np.array(vocab.OBSTACLES, dtype=object)[
        rng.integers(0, len(vocab.OBSTACLES), n)], "")
    labels = yaml.safe_load((CONFIG / "taxonomy.yaml").read_text("utf-8"))["impact_factors"]
    labels = [f["label"] for f in labels]
    combos = [", ".join(c) for k in (1, 2) for c in combinations(labels, k)]
    factors = np.where(has, np.array(combos, dtype=object)[rng.integers(0, len(combos), n)], "")
    return obstacles, factors


def _attachments(n: int, rng) -> np.ndarray:
    """0 to 2 Drive links, drawn from a pool of distinct links."""
    pool_size = min(n, 50_000)
    chars = DRIVE_CHARS[rng.integers(0, len(DRIVE_CHARS), (pool_size, vocab.DRIVE_ID_LENGTH))]
    ids = ["".join(row) for row in chars]
    links = np.array([vocab.DRIVE_LINK + i for i in ids], dtype=object)
    k = rng.choice(3, size=n, p=[0.5, 0.4, 0.1])
    a = links[rng.integers(0, pool_size, n)]
    b = links[rng.integers(0, pool_size, n)]
    return np.where(k == 0, "", np.where(k == 1, a, a + ", " + b))


# ------------------------------------------------------------------------ satisfaction


def make_satisfaction(scale: Scale, form: dict, rng) -> tuple[pd.DataFrame, dict, int]:
    """Survey rows skewed high, with a few blank, off-scale and undated rows."""
    n = scale.satisfaction
    labels = [p["label"] for p in form["satisfaction"]["scale"]]
    day0 = np.datetime64("2024-05-01", "D").astype(np.int64)
    secs = (day0 + rng.integers(0, 80, n)) * 86400 + rng.integers(8 * 3600, 17 * 3600, n)
    stamp, group, *questions, comment = vocab.SATISFACTION_COLUMNS
    cells = {stamp: np.array(be_datetimes(secs), dtype=object),
             group: np.array(vocab.SURVEY_GROUPS, dtype=object)[rng.choice(3, n, p=[.2, .2, .6])]}
    skipped = np.where(rng.random(n) < 0.05, rng.integers(0, len(questions), n), -1)
    for q, title in enumerate(questions):
        answer = np.array(labels, dtype=object)[rng.choice(4, n, p=[.45, .4, .12, .03])]
        answer[skipped == q] = ""
        cells[title] = answer
    comments = np.array(vocab.SHORT_SURVEY_COMMENTS, dtype=object)
    cells[comment] = np.where(rng.random(n) < 0.3, comments[rng.integers(0, len(comments), n)], "")
    frame = pd.DataFrame(cells, columns=vocab.SATISFACTION_COLUMNS)
    counts = {"blank": _count(n, 0.02), "unknown_answer": _count(n, 0.01),
              "bad_timestamp": _count(n, 0.01)}
    rows = rng.choice(n - 1, size=sum(counts.values()), replace=False)  # never the last
    blank, rows = rows[:counts["blank"]], rows[counts["blank"]:]
    off, undated = rows[:counts["unknown_answer"]], rows[counts["unknown_answer"]:]
    frame.iloc[off, 2] = vocab.OFF_SCALE_ANSWER  # the first question
    frame.iloc[undated, 0] = vocab.UNKNOWN_TIME
    frame.iloc[blank, :] = ""
    return frame, counts, n - sum(counts.values())


# -------------------------------------------------------------------------- formatting


def be_datetimes(secs: np.ndarray) -> list[str]:
    """``5/1/2567 9:03:07`` for each wall-clock second count."""
    t = pd.to_datetime(secs, unit="s")
    return [f"{d}/{m}/{y + vocab.BE} {h}:{mi:02d}:{s:02d}" for d, m, y, h, mi, s in zip(
        t.day.tolist(), t.month.tolist(), t.year.tolist(), t.hour.tolist(),
        t.minute.tolist(), t.second.tolist(), strict=True)]


def iso_datetime(sec: int) -> str:
    """``2024-03-05T10:15:00+07:00``: a timestamp typed or pasted as ISO text."""
    return pd.Timestamp(int(sec), unit="s").strftime("%Y-%m-%dT%H:%M:%S") + "+07:00"


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> None:
    """Like Sheets' Download > CSV: ``\\r\\n`` line ends, quotes only where needed.

    The csv module writes text columns about four times faster than ``DataFrame.to_csv``.
    """
    with path.open("w", encoding="utf-8", newline="") as out:
        if bom:
            out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(frame.columns)
        writer.writerows(zip(*(frame[c].tolist() for c in frame.columns), strict=True))


# -------------------------------------------------------------------------------- main


def fingerprint(size: int, seed: int) -> str:
    """Changes when the generator, its vocabulary, the config or the parameters change."""
    h = hashlib.sha1(Path(__file__).read_bytes())
    h.update(Path(vocab.__file__).read_bytes())
    for file in sorted(CONFIG.glob("*.yaml")):
        h.update(file.read_bytes())
    h.update(f"{size}:{seed}".encode())
    return h.hexdigest()[:16]


def generate(size: int, out: Path, seed: int = 2566, log=print) -> dict:
    """Write the data set for ``size`` report rows into ``out``; returns expected.json."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    scale = Scale.of(size)
    cfg = load_config()
    agencies = cfg["agencies"]["agencies"] + synthetic_agencies(scale.extra_agencies)
    ag = Agencies(agencies)
    reg = make_register(scale, ag, cfg["taxonomy"], rng)
    responses, r_defects, r_valid = make_responses(scale, reg, ag, cfg["taxonomy"], rng)
    survey, s_defects, s_valid = make_satisfaction(scale, cfg["form"], rng)

    if out.exists():
        shutil.rmtree(out)
    data = out / "data"
    data.mkdir(parents=True)
    write_config(out / "config", agencies)
    write_csv(pd.DataFrame(reg.rows, columns=vocab.DIRECTIVE_COLUMNS), data / "directives.csv")
    write_csv(responses, data / "responses.csv", bom=True)
    write_csv(survey, data / "satisfaction.csv")

    assignments = sum(len(set(m)) for m in reg.members)
    expected = {
        "generator": fingerprint(size, seed),
        "as_of": AS_OF.isoformat(),
        "scale": scale.__dict__,
        "agencies": len(agencies),
        "assignments": assignments,
        "directives": _sheet(len(reg.rows), reg.defects, len(reg.codes)),
        "responses": _sheet(size, r_defects, r_valid),
        "satisfaction": _sheet(scale.satisfaction, s_defects, s_valid),
    }
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2),
                                       encoding="utf-8")
    log(f"generated {out}: {size} responses, {len(reg.rows)} register rows, "
        f"{assignments} assignments, {len(agencies)} agencies "
        f"({time.perf_counter() - started:.1f}s)")
    return expected


def _sheet(rows: int, defects: dict[str, int], accepted: int) -> dict:
    rejected = {k: v for k, v in sorted(defects.items()) if k != "blank" and v}
    return {"rows": rows, "blank": defects.get("blank", 0), "accepted": accepted,
            "rejected": sum(rejected.values()), "rejected_by_reason": rejected}


def is_current(out: Path, size: int, seed: int) -> bool:
    """True when ``out`` holds this generator's output for ``size`` and ``seed``."""
    try:
        expected = json.loads((out / "expected.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return expected.get("generator") == fingerprint(size, seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", required=True,
                        help="1k, 10k, 100k, 1m or a number of report rows (repeatable)")
    parser.add_argument("--out", type=Path, default=OUT, help="parent folder (bench/out)")
    parser.add_argument("--seed", type=int, default=2566)
    args = parser.parse_args(argv)
    for text in args.size:
        name, size = parse_size(text)
        generate(size, args.out / name, args.seed)


if __name__ == "__main__":
    main()
