"""Generate the synthetic sample data set (deterministic, seed 2566).

Run from the repository root::

    .venv/bin/python sample/generate.py

Writes sample/data/*.csv, sample/tidtam-sample.xlsx and sample/expected.json. Running it
twice gives byte-identical files. Reads only config/*.yaml. See sample/README.md.
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
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample"
DATA = OUT / "data"
AS_OF = "2024-07-31"
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
DPREFIX = "สำนักงานเขต"


def bare(district: str) -> str:
    return district[len(DPREFIX):]


def abbr(dept: str) -> str:
    """The first abbreviation-looking alias (ends with '.'), else the first alias."""
    al = ALIASES[dept]
    for a in al:
        if a.endswith("."):
            return a
    return al[0] if al else dept


TYPES = taxonomy["directive_types"]
FACTORS = taxonomy["impact_factors"]
TYPE_BY_CODE = {t["code"]: t for t in TYPES}
FACTOR_LABELS = [f["label"] for f in FACTORS]
STATUS_LABEL = {s["key"]: s["label"] for s in taxonomy["statuses"]}

D_COLS = ["รหัส", "ปีงบประมาณ", "รอบ", "ที่มา", "ผู้ตรวจราชการ", "ข้อสั่งการ", "ประเภท",
          "ปัจจัย", "หน่วยงานรับผิดชอบ", "กำหนดรายงาน"]
R_COLS = ["ประทับเวลา", "ที่อยู่อีเมล", "หน่วยงาน", "รหัสข้อสั่งการ", "สถานะการดำเนินการ",
          "ผลการดำเนินการ", "ปัญหาอุปสรรค", "ปัจจัยที่เป็นอุปสรรค", "ชื่อผู้รายงาน",
          "เบอร์โทรศัพท์", "เอกสารแนบ", "คะแนนเดิม", "ชื่อหน่วยงาน"]
S_QUESTIONS = ["ความง่ายในการใช้งานระบบ", "ความรวดเร็วในการติดตามผลการดำเนินการ",
               "ความถูกต้องและครบถ้วนของข้อมูล", "ความชัดเจนของการแสดงผลบนแดชบอร์ด",
               "ประโยชน์ของระบบต่อการปฏิบัติงาน"]
S_COLS = ["ประทับเวลา", "กลุ่มผู้ใช้"] + S_QUESTIONS + ["ข้อเสนอแนะ"]
SCALE = {s["label"]: s["score"] for s in form["satisfaction"]["scale"]}
HIGH_FROM = form["satisfaction"]["high_from_score"]

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ZWSP = "\u200b"

# ----------------------------------------------------------------------- formatting


def be_datetime(dt: datetime) -> str:
    """Sheets' Thai-locale text: d/m/yyyy H:MM:SS, Buddhist-era year."""
    return f"{dt.day}/{dt.month}/{dt.year + 543} {dt.hour}:{dt.minute:02d}:{dt.second:02d}"


def be_date(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year + 543}"


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
        return be_datetime(v)
    if isinstance(v, date):
        return be_date(v)
    return str(v)


# ------------------------------------------------------------- mini resolver (self-check)
# Only to verify the generator's own intent (every accepted variant resolves, every typo
# does not); the real pipeline is elsewhere and is not used here.


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace(ZWSP, "").replace("\u0e4d\u0e32", "\u0e33")
    return re.sub(r"\s+", " ", s).strip()


_LOOKUP: dict[str, str] = {}
for _n in AGENCIES:
    _LOOKUP[norm(_n)] = _n
    for _a in ALIASES[_n]:
        _LOOKUP[norm(_a)] = _n
    if KIND[_n] == "district":
        b = bare(_n)
        for v in (b, "เขต" + b, "สนข." + b, "สำนักงานเขต " + b):
            _LOOKUP[norm(v)] = _n


def resolve(s: str) -> str | None:
    return _LOOKUP.get(norm(s))


# ----------------------------------------------------------------------- people

INSPECTORS = ["นายประเสริฐ วงศ์สวัสดิ์", "นางสาวกมลวรรณ ศรีสุข", "นายวิชัย ทองมา",
              "นางพรทิพย์ แก้วประเสริฐ", "นายธนพล รุ่งเรืองศรี", "นางสาวอรุณี บุญมี"]
FIRST = [("สมชาย", "somchai"), ("สุดารัตน์", "sudarat"), ("วีระพงษ์", "weerapong"),
         ("จิราพร", "jiraporn"), ("ณัฐวุฒิ", "nattawut"), ("ปิยะนุช", "piyanuch"),
         ("อนุชา", "anucha"), ("กนกพร", "kanokporn"), ("ธีรวัฒน์", "theerawat"),
         ("มาลัย", "malai"), ("สุริยา", "suriya"), ("พิมพ์ชนก", "pimchanok"),
         ("เอกชัย", "ekkachai"), ("รัตนา", "rattana"), ("ชัยวัฒน์", "chaiwat"),
         ("นภัสสร", "napatsorn"), ("ศักดิ์ชัย", "sakchai"), ("วรรณา", "wanna"),
         ("ภานุวัฒน์", "panuwat"), ("ศิริพร", "siriporn")]
LAST = [("ใจดี", "jaidee"), ("มั่นคง", "mankong"), ("แสงทอง", "saengthong"),
        ("พูลสวัสดิ์", "poonsawat"), ("ศรีอ่อน", "sri-on"), ("บุญเรือง", "boonruang"),
        ("ทองดี", "thongdee"), ("จันทร์หอม", "janhom"), ("สายสุวรรณ", "saisuwan"),
        ("เพชรรัตน์", "petcharat"), ("วงศ์ใหญ่", "wongyai"), ("คำภา", "khampa"),
        ("นาคสุข", "naksuk"), ("อินทร์แก้ว", "inkaew"), ("ชื่นชม", "chuenchom")]


def make_reporter() -> tuple[str, str, str]:
    f, fr = rng.choice(FIRST)
    last, lr = rng.choice(LAST)
    title = "นาย" if fr in {"somchai", "weerapong", "nattawut", "anucha", "theerawat",
                            "suriya", "ekkachai", "chaiwat", "sakchai", "panuwat"} \
        else rng.choice(["นาง", "นางสาว"])
    name = f"{title}{f} {last}"
    email = f"{fr}.{lr[:3]}@bangkok.go.th"
    phone = f"08{rng.randint(0, 9)}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"
    return name, email, phone


REPORTERS = {a: [make_reporter() for _ in range(rng.choice([1, 1, 2, 2, 3]))] for a in AGENCIES}

# --------------------------------------------------------------------- directives

# (text, type code, factor codes, departments that fit the theme)
THEMES = [
    ("ให้เร่งขุดลอกคูคลองและล้างท่อระบายน้ำในพื้นที่ให้แล้วเสร็จก่อนเข้าฤดูฝน", "1.10", ["2.2", "2.3"], ["สำนักการระบายน้ำ"]),
    ("ให้จัดทำแผนป้องกันและแก้ไขปัญหาน้ำท่วมขังในจุดเสี่ยงของพื้นที่", "1.4", ["2.3"], ["สำนักการระบายน้ำ", "สำนักการโยธา"]),
    ("ให้สำรวจสิ่งปลูกสร้างรุกล้ำลำรางสาธารณะและคูคลอง และจัดทำบัญชีรายชื่อผู้รุกล้ำ", "1.5", ["2.5", "2.3"], ["สำนักการระบายน้ำ", "สำนักการโยธา"]),
    ("ให้รณรงค์การคัดแยกขยะมูลฝอยต้นทางในชุมชน ตลาด และสถานศึกษา", "1.6", ["2.3"], ["สำนักสิ่งแวดล้อม", "สำนักการศึกษา"]),
    ("ให้พิจารณาจ้างเหมาเอกชนเก็บขนขยะมูลฝอยในพื้นที่ที่รถเก็บขนเข้าไม่ถึง", "1.8", ["2.2", "2.1"], ["สำนักสิ่งแวดล้อม"]),
    ("ให้ตรวจวัดและควบคุมการปล่อยฝุ่นละออง PM2.5 จากสถานประกอบการและไซต์ก่อสร้าง", "1.10", ["2.5", "2.4"], ["สำนักสิ่งแวดล้อม", "สำนักการโยธา"]),
    ("ให้ประชาสัมพันธ์แจ้งเตือนค่าฝุ่นละออง PM2.5 และแนวทางการดูแลสุขภาพแก่ประชาชน", "1.6", ["2.4"], ["สำนักสิ่งแวดล้อม", "สำนักอนามัย"]),
    ("ให้ขยายเวลาให้บริการของศูนย์บริการสาธารณสุขในวันหยุดราชการ", "1.2", ["2.1", "2.2"], ["สำนักอนามัย"]),
    ("ให้จัดทำฐานข้อมูลผู้สูงอายุ ผู้พิการ และผู้ป่วยติดเตียงในพื้นที่ เพื่อการดูแลต่อเนื่อง", "1.9", ["2.4", "2.3"], ["สำนักพัฒนาสังคม", "สำนักอนามัย"]),
    ("ให้ประสานโรงพยาบาลในสังกัดเพื่อลดระยะเวลารอคอยของผู้ป่วยนอก", "1.7", ["2.1", "2.3"], ["สำนักการแพทย์"]),
    ("ให้สำรวจความปลอดภัยของอาคารเรียนและเครื่องเล่นในโรงเรียนสังกัดกรุงเทพมหานคร", "1.5", ["2.2", "2.3"], ["สำนักการศึกษา", "สำนักการโยธา"]),
    ("ให้จัดตั้งคณะทำงานดูแลความปลอดภัยบริเวณหน้าโรงเรียนในช่วงเวลาเข้า-ออก", "1.3", ["2.1"], ["สำนักการศึกษา", "สำนักเทศกิจ", "สำนักการจราจรและขนส่ง"]),
    ("ให้เร่งรัดการเบิกจ่ายงบประมาณรายจ่ายประจำปีให้เป็นไปตามเป้าหมายรายไตรมาส", "1.10", ["2.2"], ["สำนักงบประมาณกรุงเทพมหานคร", "สำนักการคลัง"]),
    ("ให้ทบทวนหลักเกณฑ์การจัดระเบียบหาบเร่แผงลอยบนทางเท้าให้สอดคล้องกับพื้นที่", "1.1", ["2.5", "2.3"], ["สำนักเทศกิจ"]),
    ("ให้ปรับปรุงทางเท้าและไฟฟ้าส่องสว่างในซอยที่มีความเสี่ยงต่ออาชญากรรม", "1.10", ["2.2"], ["สำนักการโยธา", "สำนักการจราจรและขนส่ง"]),
    ("ให้ตรวจสอบความพร้อมของอุปกรณ์ดับเพลิงและทางหนีไฟในอาคารสูงและอาคารสาธารณะ", "1.5", ["2.5", "2.1"], ["สำนักป้องกันและบรรเทาสาธารณภัย", "สำนักการโยธา"]),
    ("ให้ตัดแต่งต้นไม้ริมถนนให้ถูกหลักวิชาการโดยรุกขกร", "1.1", ["2.1", "2.3"], ["สำนักสิ่งแวดล้อม"]),
    ("ให้ประชาสัมพันธ์ช่องทางรับเรื่องร้องเรียนผ่านระบบ Traffy Fondue และติดตามการแก้ไขให้แล้วเสร็จ", "1.6", ["2.4"], ["สำนักยุทธศาสตร์และประเมินผล"]),
    ("ให้ทบทวนอัตรากำลังเจ้าหน้าที่ที่ปฏิบัติงานด้านรักษาความสะอาดให้เหมาะสมกับภาระงาน", "1.5", ["2.1"], ["สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร", "สำนักสิ่งแวดล้อม"]),
    ("ให้จัดทำฐานข้อมูลอาคารและป้ายโฆษณาที่ต้องตรวจสอบความมั่นคงแข็งแรง", "1.9", ["2.4", "2.5"], ["สำนักการโยธา", "สำนักการวางผังและพัฒนาเมือง"]),
    ("ให้ขอรับการสนับสนุนเครื่องสูบน้ำและรถเครื่องมือเพิ่มเติมสำหรับจุดอ่อนน้ำท่วม", "1.2", ["2.2", "2.4"], ["สำนักการระบายน้ำ"]),
    ("ให้ประสานภาคเอกชนและชุมชนในการดูแลพื้นที่สาธารณะและสวนหย่อม", "1.7", ["2.3"], ["สำนักสิ่งแวดล้อม", "สำนักพัฒนาสังคม"]),
    ("ให้จัดทำแผนการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้างให้ครบถ้วนตามฐานข้อมูลแผนที่ภาษี", "1.4", ["2.4", "2.3"], ["สำนักการคลัง"]),
    ("ให้ติดตามประเมินผลโครงการตามแผนปฏิบัติราชการและรายงานผลทุกเดือน", "1.10", ["2.3"], ["สำนักยุทธศาสตร์และประเมินผล", "สำนักปลัดกรุงเทพมหานคร"]),
    ("ให้ส่งเสริมกิจกรรมกีฬาและนันทนาการในศูนย์เยาวชนและลานกีฬา", "1.7", ["2.2"], ["สำนักวัฒนธรรม กีฬาและการท่องเที่ยว"]),
    ("ให้จัดตั้งคณะกรรมการตรวจสอบคุณภาพงานก่อสร้างและซ่อมแซมผิวจราจร", "1.3", ["2.3", "2.5"], ["สำนักการโยธา"]),
    ("ให้ปรับปรุงขั้นตอนการออกใบอนุญาตก่อสร้างให้รวดเร็วและโปร่งใส", "1.1", ["2.5", "2.4"], ["สำนักการโยธา", "สำนักการวางผังและพัฒนาเมือง"]),
    ("ให้จัดการข้อมูลเรื่องร้องเรียนจากสภากรุงเทพมหานครและรายงานความคืบหน้า", "1.9", ["2.4"], ["สำนักงานเลขานุการสภากรุงเทพมหานคร", "สำนักงานเลขานุการผู้ว่าราชการกรุงเทพมหานคร"]),
    ("ให้พิจารณาจ้างเหมาเอกชนดูแลรักษาความสะอาดห้องน้ำสาธารณะในตลาด", "1.8", ["2.2"], ["สำนักงานการพาณิชย์", "สำนักอนามัย"]),
    ("ให้สำรวจจุดเสี่ยงอุบัติเหตุทางถนนและทางข้ามที่ไม่ปลอดภัย", "1.5", ["2.3"], ["สำนักการจราจรและขนส่ง"]),
]

# Assignment modes for 40 directives: 20 per round.
MODES = (["all"] * 5 + ["group"] * 8 + ["named"] * 27)
rng.shuffle(MODES)
GROUP_NAMES = list(GROUPS)


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
    return code.translate(THAI_DIGITS)


def factor_cell(codes: list[str]) -> str:
    labels = {f["code"]: f["label"] for f in FACTORS}
    as_label = rng.random() < 0.4
    return ", ".join(labels[c] if as_label else c for c in codes)


directives = []  # dicts
theme_order = list(range(len(THEMES)))
rng.shuffle(theme_order)
group_cycle = GROUP_NAMES * 2
rng.shuffle(group_cycle)
rejected_index = None
for i, mode in enumerate(MODES):
    rnd = 1 if i < 20 else 2
    num = i + 1 if rnd == 1 else i - 19
    code = f"2566-{rnd}-{num:03d}"
    text, tcode, fcodes, depts = THEMES[theme_order[i % len(THEMES)]]
    if i >= len(THEMES):  # second use of a theme: vary the wording
        text = text + rng.choice([" โดยให้รายงานผลทุกไตรมาส", " และรายงานผลให้ผู้ตรวจราชการทราบ",
                                  " ให้ครอบคลุมทุกแขวง", " โดยบูรณาการร่วมกับหน่วยงานที่เกี่ยวข้อง"])
    fcodes = list(fcodes)
    if rng.random() < 0.3:
        extra = rng.choice([f["code"] for f in FACTORS if f["code"] not in fcodes])
        fcodes.append(extra)
    fcodes = fcodes[:3]
    if mode == "all":
        assigned = list(DISTRICTS)
        agency_cell = rng.choice(["ทุกสำนักงานเขต", "ทุกสำนักงานเขต", "ทุกเขต"])
    elif mode == "group":
        g = group_cycle.pop()
        assigned = list(GROUPS[g])
        agency_cell = "กลุ่มเขต" + g
    else:
        k = rng.choice([1, 2, 2, 3, 3, 4])
        pool = list(dict.fromkeys(depts))
        chosen = pool[:k]
        while len(chosen) < k:
            cand = rng.choice(DISTRICTS) if rng.random() < 0.7 else rng.choice(DEPARTMENTS)
            if cand not in chosen:
                chosen.append(cand)
        assigned = sorted(chosen, key=AGENCY_ORDER.get)
        agency_cell = ", ".join(register_variant(a) for a in chosen)
    source = rng.choice(["ปลัดกรุงเทพมหานคร", "ผู้ตรวจราชการกรุงเทพมหานคร", "ผู้ตรวจราชการกรุงเทพมหานคร"])
    due = (date(2024, rng.choice([1, 1, 2]), rng.choice([15, 29])) if rnd == 1
           else date(2024, rng.choice([4, 5, 6]), rng.choice([15, 28])))
    d = dict(code=code, fy=2566, round=rnd, source=source, inspector=rng.choice(INSPECTORS),
             text=text, type=type_cell(tcode), factors=factor_cell(fcodes),
             agencies=agency_cell, due=due, assigned=assigned, mode=mode, ok=True)
    directives.append(d)

# Exactly one defective register row: a named directive of round 2 whose ประเภท is a label
# that matches no type (a typo of 1.1's label). A code missing from the taxonomy (1.11)
# would be a config mistake that stops the build instead.
rejected = next(d for d in reversed(directives) if d["mode"] == "named" and len(d["assigned"]) >= 2)
rejected["type"] = "ให้แก้ไขปรับปรุงวิธีการทำงาน"
rejected["ok"] = False

for d in directives:  # self-check: register agency cells resolve
    if d["mode"] == "named":
        assert sorted((resolve(x) for x in d["agencies"].split(", ")), key=AGENCY_ORDER.get) == d["assigned"]

ASSIGNMENTS = [(d["code"], a) for d in directives if d["ok"] for a in d["assigned"]]
DIRECTIVE = {d["code"]: d for d in directives}
assert len(set(ASSIGNMENTS)) == len(ASSIGNMENTS)

# --------------------------------------------------------------------- reporting plan

agencies_with = sorted({a for _, a in ASSIGNMENTS}, key=AGENCY_ORDER.get)
by_agency = defaultdict(list)
for asg in ASSIGNMENTS:
    by_agency[asg[1]].append(asg)
laggards = set(rng.sample(agencies_with, round(len(agencies_with) * 0.40)))
unreported = set()
for a in agencies_with:
    if a in laggards:
        mine = by_agency[a]
        miss = [x for x in mine if rng.random() < 0.45]
        if not miss:
            miss = [rng.choice(mine)]
        unreported.update(miss)

START = {1: datetime(2023, 10, 2, 8, 0, 0), 2: datetime(2024, 2, 1, 8, 0, 0)}
END = datetime(2024, 7, 25, 17, 0, 0)
used_ts: set[datetime] = set()


def rand_ts(lo: datetime, hi: datetime) -> datetime:
    while True:
        day = lo.date() + timedelta(days=rng.randint(0, (hi.date() - lo.date()).days))
        if day.weekday() >= 5 and rng.random() < 0.85:
            continue
        h = rng.choices([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21],
                        [1, 6, 10, 10, 9, 4, 8, 10, 10, 9, 5, 2, 1, 1])[0]
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


RESULT = {
    "done": ["ดำเนินการแล้วเสร็จครบทุกจุดตามข้อสั่งการ", "ดำเนินการแล้วเสร็จ จำนวน {n} แห่ง รายละเอียดตามเอกสารแนบ",
             "ได้ดำเนินการตามข้อสั่งการเรียบร้อยแล้ว และรายงานผู้บริหารทราบแล้ว",
             "ดำเนินการแล้วเสร็จร้อยละ 100 เมื่อวันที่ {d}", "ดำเนินการแล้ว {n} รายการ ผลเป็นไปตามเป้าหมาย"],
    "in_progress": ["อยู่ระหว่างดำเนินการ คืบหน้าร้อยละ {p}", "ได้จัดทำแผนแล้ว อยู่ระหว่างดำเนินการตามแผน",
                    "อยู่ระหว่างประสานหน่วยงานที่เกี่ยวข้อง", "ดำเนินการไปแล้ว {n} แห่ง จากทั้งหมด {m} แห่ง",
                    "อยู่ระหว่างขออนุมัติโครงการและจัดหาผู้รับจ้าง"],
    "cannot": ["ไม่สามารถดำเนินการได้เนื่องจากติดข้อกฎหมายและระเบียบที่เกี่ยวข้อง",
               "ไม่สามารถดำเนินการได้เนื่องจากไม่ได้รับการจัดสรรงบประมาณ",
               "พื้นที่อยู่นอกความรับผิดชอบของหน่วยงาน ไม่สามารถดำเนินการได้"],
}
OBSTACLES = ["งบประมาณไม่เพียงพอ", "บุคลากรไม่เพียงพอต่อปริมาณงาน", "ติดปัญหาสภาพอากาศ ฝนตกต่อเนื่อง",
             "รอการอนุมัติจากหน่วยงานต้นสังกัด", "ระบบสารสนเทศยังไม่รองรับ", "ข้อจำกัดด้านระเบียบการจัดซื้อจัดจ้าง"]
HOSTILE = [
    "<b>ดำเนินการแล้ว</b> ครบทุกจุด",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
    "+66 2 123 4567 ติดต่อฝ่ายโยธาได้ตลอดเวลาราชการ",
    'ดำเนินการตามหนังสือที่ "กท 1503/2567" เรื่อง \'การขุดลอกคูคลอง\' แล้ว',
    "1. สำรวจพื้นที่แล้ว 12 จุด\n2. ขุดลอกแล้ว 8 จุด\n3. คงเหลือ 4 จุด จะแล้วเสร็จภายในเดือนหน้า",
]
DRIVE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def drive_links() -> str:
    k = rng.choices([0, 1, 2], [5, 4, 1])[0]
    return ", ".join("https://drive.google.com/open?id=1" + "".join(rng.choice(DRIVE_CHARS) for _ in range(32))
                     for _ in range(k))


def result_text(status: str, t: datetime) -> str:
    s = rng.choice(RESULT[status])
    n = rng.randint(2, 40)
    return s.format(n=n, m=n + rng.randint(1, 20), p=rng.choice([20, 30, 45, 50, 60, 75, 80, 90]),
                    d=be_date((t - timedelta(days=rng.randint(1, 10))).date()))


def agency_variant(a: str) -> str:
    r = rng.random()
    if KIND[a] == "district":
        b = bare(a)
        opts = [(0.35, a), (0.55, "เขต" + b), (0.65, "สนข." + b), (0.73, "สำนักงานเขต " + b),
                (0.83, b), (0.90, rng.choice(["  " + a + " ", "สำนักงานเขต  " + b, " เขต" + b + "  "])),
                (0.95, a[:5] + ZWSP + a[5:] + rng.choice(["", ZWSP]))]
        for p, v in opts:
            if r < p:
                return v
        return a.replace("\u0e33", "\u0e4d\u0e32")
    if r < 0.55:
        return a
    if r < 0.80 and ALIASES[a]:
        return rng.choice(ALIASES[a])
    if r < 0.88:
        return rng.choice([" " + a, a + "  ", a.replace(" ", "   ")])
    if r < 0.94:
        return a[:4] + ZWSP + a[4:]
    return a.replace("\u0e33", "\u0e4d\u0e32")


def directive_variant(code: str) -> str:
    r = rng.random()
    if r < 0.80:
        return code
    if r < 0.92:
        return f"{code} {DIRECTIVE[code]['text']}"
    return code.translate(THAI_DIGITS)


def status_cell(key: str) -> str:
    return key if rng.random() < 0.06 else STATUS_LABEL[key]


def base_row(code: str, agency: str, status: str, t, *, valid_agency=True) -> dict:
    name, email, phone = rng.choice(REPORTERS[agency]) if agency in REPORTERS else make_reporter()
    obst, ofac = "", ""
    if status != "done" and rng.random() < 0.6 or rng.random() < 0.1:
        obst = rng.choice(OBSTACLES)
        ofac = ", ".join(sorted(rng.sample(FACTOR_LABELS, rng.choice([1, 1, 2, 3])), key=FACTOR_LABELS.index))
    ts_dt = t if isinstance(t, datetime) else None
    return {
        "ts": t, "email": email if rng.random() < 0.92 else "",
        "agency": agency_variant(agency) if valid_agency else agency,
        "directive": directive_variant(code), "status": status_cell(status),
        "result": result_text(status, ts_dt or datetime(2024, 3, 1)), "obstacles": obst,
        "factors": ofac, "reporter": name, "phone": phone, "attach": drive_links(),
        "old": "", "kind": "valid",
    }


rows = []           # response rows (dicts) before ordering
submissions = defaultdict(list)  # assignment -> [(ts, status, row)]
for asg in ASSIGNMENTS:
    if asg in unreported:
        continue
    code, agency = asg
    rnd = DIRECTIVE[code]["round"]
    n = rng.choices([1, 2, 3, 4], [5, 20, 35, 40])[0]
    final = rng.choices(["done", "in_progress", "cannot"], [55, 35, 10] if rnd == 1 else [40, 50, 10])[0]
    seq = status_sequence(n, final)
    times = sorted(rand_ts(START[rnd], END) for _ in range(n))
    if n >= 2 and rng.random() < 0.15:  # a quick resubmission to correct the previous one
        times[-1] = shift_ts(times[-2], times[-1])
    for t, st in zip(times, seq, strict=True):
        r = base_row(code, agency, st, t)
        r["asg"] = asg
        rows.append(r)
        submissions[asg].append((t, st, r))

# Hostile-looking but legitimate free text.
hostile_rows = rng.sample(rows, len(HOSTILE))
for r, txt in zip(hostile_rows, HOSTILE, strict=True):
    r["result"] = txt
    r["kind"] = "hostile"

# ISO text timestamps on 5 valid rows (one of them a latest submission).
iso_rows = rng.sample([r for r in rows if r["kind"] == "valid"], 4)
iso_rows.append(next(s[-1][2] for a, s in submissions.items() if len(s) >= 2 and s[-1][2]["kind"] == "valid"
                     and s[-1][2] not in iso_rows))
for r in iso_rows:
    r["iso"] = True

# The deleted question's old column: a few early answers.
for r in rows:
    if r["ts"] < datetime(2023, 11, 15) and rng.random() < 0.3:
        r["old"] = str(rng.randint(1, 5))

# ------------------------------------------------------------------- defective rows

defects = []
valid_asgs = [a for a in ASSIGNMENTS]
ok_codes = [d["code"] for d in directives if d["ok"]]


def defect(reason: str, **over) -> dict:
    code, agency = rng.choice(valid_asgs)
    status = rng.choice(["done", "in_progress", "in_progress", "cannot"])
    rnd = DIRECTIVE[code]["round"]
    r = base_row(code, agency, status, rand_ts(START[rnd], END))
    r.update(over)
    r["kind"] = reason
    defects.append(r)
    return r


for ag, rep in [("ทดสอบ", None), ("ทดสอบ", None), (None, "ทดสอบ ระบบ"), (None, "test"), (None, "ทดสอบ")]:
    r = defect("test_row", result="ทดสอบการส่งแบบฟอร์ม")
    if ag:
        r["agency"] = ag
    if rep:
        r["reporter"] = rep
for bad in ["ไม่ทราบ", "32/13/2567 25:00:00", "ไม่ระบุ"]:
    r = defect("bad_timestamp")
    used_ts.discard(r["ts"])
    r["ts"] = TextTS(bad)
for _ in range(3):
    defect("missing_agency", agency="")
for typo in ["เขตหนองจอ", "สำนักการโยธ", "สำนักงานเขตบางรักษ์", "เขตลาดพร้า", "สนข.บางกะปี",
             "สำนักอนามย", "กองงานผู้ตรวจราชการ", "เขตจตุจักรร"]:
    assert resolve(typo) is None, typo
    defect("unknown_agency", agency=typo)
for _ in range(3):
    defect("missing_directive", directive="")
for bad in ["2566-3-099", "2566-1-099", "2565-1-001", "2566-2-050", "2567-1-001",
            "๒๕๖๖-๓-๐๐๑", "2566-4-001", "ข้อ 5 เรื่องน้ำท่วม"]:
    defect("unknown_directive", directive=bad)
for _ in range(4):
    a = rng.choice(rejected["assigned"])
    r = defect("directive_rejected")
    r.update(base_row(rejected["code"], a, rng.choice(["done", "in_progress"]), r["ts"]))
    r["kind"] = "directive_rejected"
    r["directive"] = rng.choice([rejected["code"], rejected["code"] + " " + rejected["text"]])
assigned_set = set(ASSIGNMENTS)
for _ in range(8):
    while True:
        code = rng.choice(ok_codes)
        agency = rng.choice(AGENCIES)
        if (code, agency) not in assigned_set:
            break
    r = defect("not_assigned")
    r.update(base_row(code, agency, rng.choice(["done", "in_progress"]), r["ts"]))
    r["kind"] = "not_assigned"
for _ in range(5):
    defect("missing_status", status="")
for bad in ["เสร็จแล้ว", "กำลังดำเนินการ", "ยกเลิก", "อื่นๆ"]:
    defect("unknown_status", status=bad)

# ----------------------------------------------------------------------- row order

dated = sorted([r for r in rows + defects if isinstance(r["ts"], datetime)], key=lambda r: r["ts"])
# Out of order (1): for some resubmitted assignments the latest row sits above the one before it.
multi = [s for s in submissions.values() if len(s) >= 2 and s[-1][1] != s[-2][1]]
for s in rng.sample(multi, 25):
    last, prev = s[-1][2], s[-2][2]
    dated.remove(last)
    dated.insert(dated.index(prev), last)
# Out of order (2): a few shuffled blocks (a sheet that was sorted by hand, then re-sorted).
for _ in range(8):
    i = rng.randint(0, len(dated) - 12)
    block = dated[i:i + 12]
    rng.shuffle(block)
    dated[i:i + 12] = block
ordered = list(dated)
for r in [r for r in defects if isinstance(r["ts"], TextTS)]:
    ordered.insert(rng.randint(5, len(ordered) - 5), r)
N_BLANK = 10
for _ in range(N_BLANK):
    ordered.insert(rng.randint(5, len(ordered) - 5), {"kind": "blank"})

# The agency question was renamed: the last ~25% by timestamp fill the new column.
stamps = sorted(r["ts"] for r in ordered if isinstance(r.get("ts"), datetime))
CUTOVER = stamps[int(len(stamps) * 0.75)]
for r in ordered:
    if r["kind"] == "blank":
        continue
    new = (r["ts"] >= CUTOVER) if isinstance(r["ts"], datetime) else rng.random() < 0.25
    r["new_col"] = new


def response_cells(r: dict) -> list:
    if r["kind"] == "blank":
        return [None] * len(R_COLS)
    ts = r["ts"]
    if r.get("iso"):
        ts = TextTS(iso(ts))
    ag = r["agency"]
    vals = [ts, r["email"], "" if r["new_col"] else ag, r["directive"], r["status"], r["result"],
            r["obstacles"], r["factors"], r["reporter"], r["phone"], r["attach"], r["old"],
            ag if r["new_col"] else ""]
    return [None if v == "" else v for v in vals]


R_ROWS = [response_cells(r) for r in ordered]

# ------------------------------------------------------------------ satisfaction

GROUPS_S = ["ผู้ตรวจราชการ", "เจ้าหน้าที่กองงานผู้ตรวจราชการ", "เจ้าหน้าที่หน่วยรับตรวจ"]
COMMENTS = ["ควรเพิ่มการแจ้งเตือนเมื่อใกล้ครบกำหนดรายงาน", "อยากให้ส่งออกข้อมูลเป็น Excel ได้",
            "ระบบใช้งานง่าย ช่วยลดงานเอกสารได้มาก", "ควรมีคู่มือการใช้งานสำหรับเจ้าหน้าที่ใหม่",
            "ตัวอักษรบนแดชบอร์ดเล็กไป อ่านบนมือถือยาก", "ขอให้แสดงประวัติการรายงานย้อนหลัง",
            "ดีมาก", "ควรเชื่อมโยงกับระบบสารบรรณอิเล็กทรอนิกส์"]
LABEL_OF = {v: k for k, v in SCALE.items()}
sat = []
s_used = set()
for _ in range(96 + 2):
    while True:
        t = datetime(2024, 5, 1, 8) + timedelta(seconds=rng.randint(0, 86 * 86400))
        if 7 <= t.hour <= 20 and t not in s_used:
            s_used.add(t)
            break
    g = rng.choices(GROUPS_S, [21, 27, 81])[0]
    answers = [LABEL_OF[rng.choices([4, 3, 2, 1], [45, 42, 10, 3])[0]] for _ in S_QUESTIONS]
    comment = rng.choice(COMMENTS) if rng.random() < 0.3 else None
    sat.append({"ts": t, "group": g, "answers": answers, "comment": comment, "kind": "valid"})
sat.sort(key=lambda r: r["ts"])
sat[40]["answers"][2] = "ปานกลาง"
sat[40]["kind"] = "unknown_answer"
sat[71]["ts"] = TextTS("ไม่ทราบ")
sat[71]["kind"] = "bad_timestamp"
sat.insert(33, {"kind": "blank"})
sat.insert(77, {"kind": "blank"})
S_ROWS = [[None] * len(S_COLS) if r["kind"] == "blank"
          else [r["ts"], r["group"], *r["answers"], r["comment"]] for r in sat]

# ------------------------------------------------------------------- register rows

D_ROWS = [[d["code"], d["fy"], d["round"], d["source"], d["inspector"], d["text"], d["type"],
           d["factors"], d["agencies"], d["due"]] for d in directives]

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


def write_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = form["tabs"]["directives"]
    fill_sheet(ws, D_COLS, D_ROWS)
    fill_sheet(wb.create_sheet(form["tabs"]["responses"]), R_COLS, R_ROWS)
    fill_sheet(wb.create_sheet(form["tabs"]["satisfaction"]), S_COLS, S_ROWS)
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


def expected() -> dict:
    resp_rejected = Counter(r["kind"] for r in ordered if r["kind"] not in ("valid", "hostile", "blank"))
    n_blank = sum(1 for r in ordered if r["kind"] == "blank")
    n_ok = sum(1 for r in ordered if r["kind"] in ("valid", "hostile"))
    latest = []
    by_status = Counter()
    for asg in sorted(ASSIGNMENTS, key=lambda x: (x[0], AGENCY_ORDER[x[1]])):
        subs = submissions.get(asg, [])
        stamps_ = [t for t, _, _ in subs]
        assert len(set(stamps_)) == len(stamps_)
        if subs:
            t, st, _ = max(subs, key=lambda s: s[0])
            latest.append({"directive_code": asg[0], "agency": asg[1], "status": st, "reported_at": iso(t)})
        else:
            st = "not_reported"
            latest.append({"directive_code": asg[0], "agency": asg[1], "status": st, "reported_at": None})
        by_status[st] += 1
    status_of = {(x["directive_code"], x["agency"]): x["status"] for x in latest}
    reported = [a for a in agencies_with if all(status_of[x] != "not_reported" for x in by_agency[a])]
    s_ok = [r for r in sat if r["kind"] == "valid"]
    scores = [SCALE[a] for r in s_ok for a in r["answers"]]
    return {
        "as_of": AS_OF,
        "directives": {"rows": len(directives), "accepted": sum(d["ok"] for d in directives),
                       "rejected": {"unknown_type": 1}, "rejected_codes": [rejected["code"]]},
        "responses": {"rows": len(ordered), "blank": n_blank, "accepted": n_ok,
                      "rejected": dict(sorted(resp_rejected.items()))},
        "satisfaction": {
            "rows": len(sat), "blank": sum(r["kind"] == "blank" for r in sat), "accepted": len(s_ok),
            "rejected": dict(sorted(Counter(r["kind"] for r in sat if r["kind"] not in ("valid", "blank")).items())),
            "answers": len(scores), "score_sum": sum(scores),
            "mean_score": round(sum(scores) / len(scores), 4),
            "score_pct": round(sum(scores) / len(scores) * 100 / max(SCALE.values()), 2),
            "high_share_pct": round(sum(s >= HIGH_FROM for s in scores) * 100 / len(scores), 2),
        },
        "assignments": {"total": len(ASSIGNMENTS),
                        "by_status": {k: by_status[k] for k in ("done", "in_progress", "cannot", "not_reported")}},
        "agencies": {"with_assignments": len(agencies_with), "reported": len(reported)},
        "latest": latest,
    }


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    write_csv(DATA / "directives.csv", D_COLS, D_ROWS, bom=False)
    write_csv(DATA / "responses.csv", R_COLS, R_ROWS, bom=True)
    write_csv(DATA / "satisfaction.csv", S_COLS, S_ROWS, bom=False)
    write_xlsx(OUT / "tidtam-sample.xlsx")
    exp = expected()
    head = json.dumps({k: v for k, v in exp.items() if k != "latest"}, ensure_ascii=False, indent=1)
    latest = ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in exp["latest"])
    text = head[:-2] + ',\n "latest": [\n  ' + latest + "\n ]\n}\n"
    assert json.loads(text) == exp
    (OUT / "expected.json").write_text(text, "utf-8")
    # Self-checks of the generator's intent.
    for r in ordered:
        if r["kind"] in ("valid", "hostile"):
            assert resolve(r["agency"]) == r["asg"][1], r["agency"]
    out_of_order = 0
    pos = {id(r): i for i, r in enumerate(ordered)}
    for s in submissions.values():
        if len(s) >= 2:
            by_row = max(s, key=lambda x: pos[id(x[2])])
            if by_row[0] != s[-1][0] and by_row[1] != s[-1][1]:
                out_of_order += 1
    print(f"assignments whose last row is not their latest report (different status): {out_of_order}")
    print(json.dumps({k: v for k, v in exp.items() if k != "latest"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
