"""The inputs of the follow-up memos (บันทึกข้อความติดตามผลการดำเนินการตามข้อสั่งการ),
built once and fed to both the Word template (config/memo.docx) and the HTML template
(templates/memo.html) that Chromium prints.

Everything a memo shows is decided here: its number, date, addressee (เรียน), the
paragraphs, and the table of what is outstanding. The Word and HTML templates only lay
it out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tidtam.core.config import Config
from tidtam.core.memosettings import MemoSettings
from tidtam.render.formats import official_date, thai_digits
from tidtam.render.urls import PageNames, attachment_links
from tidtam.transform.agencies import DISTRICT_PREFIX
from tidtam.transform.outstanding import LATE, NEVER
from tidtam.transform.views import FAILED

BY = ("agency", "inspector", "district-group")
FAMILY = {"agency": "agencies", "inspector": "inspectors", "district-group": "groups"}
# (agency, directive code, directive text) -> the prefilled "ส่งรายงานผล" link, or None.
LinkFn = Callable[[str, str, str], str | None]
# How each source's directives are named in the opening paragraph.
GIVEN = {"ปลัดกรุงเทพมหานคร": "ข้อสั่งการ", "ผู้ตรวจราชการกรุงเทพมหานคร": "ข้อเสนอแนะ"}
FINDINGS = {NEVER: "ยังไม่ได้รายงานผลการดำเนินการ",
            LATE: "รายงานว่าอยู่ระหว่างการดำเนินการซึ่งเกินกำหนดแล้ว",
            FAILED: "ส่งรายงานแล้วแต่ข้อมูลไม่ผ่านการตรวจสอบ"}
TODO = {NEVER: "ยังไม่รายงานผลการดำเนินการ ขอให้รายงานผล",
        LATE: "อยู่ระหว่างการดำเนินการ ขอให้รายงานผลความคืบหน้าล่าสุด",
        FAILED: "ส่งแล้วแต่ข้อมูลไม่ผ่านการตรวจสอบ ขอให้ส่งรายงานใหม่ที่ถูกต้อง"}


@dataclass(frozen=True)
class Memo:
    """One memo: whom it is for, its number and date, and what its templates render
    (``context``: plain text, lists and dicts only)."""

    key: str  # the agency, inspector or district group
    by: str
    file: str  # file name without extension (render/urls.py's rule)
    number: str  # as printed
    day: date
    agencies: list[str]
    items: list[dict]  # the outstanding items (agency, directive_code, link...)
    context: dict = field(repr=False)

    def index_entry(self) -> dict:
        """Its line in memos/index.json."""
        return {"agency": self.key, "by": self.by, "agencies": self.agencies,
                "docx": f"{self.file}.docx", "pdf": f"{self.file}.pdf",
                "number": self.number, "date": self.day.isoformat(),
                "codes": sorted({i["directive_code"] for i in self.items})}


def addressee(settings: MemoSettings, kind: str, name: str) -> str:
    """เรียน ...: the head of an agency by its kind (district, department, other), an
    inspector or a district group (``kind`` ``inspector`` / ``group``)."""
    template = getattr(settings.addressee, kind, settings.addressee.other)
    return template.format(name=name, district=name.removeprefix(DISTRICT_PREFIX))


def memo_inputs(items: list[dict], config: Config, day: date, as_of: date,
                by: str = "agency", links: LinkFn | None = None) -> list[Memo]:
    """One memo per agency (inspector, district group) with outstanding ``items``
    (``transform.outstanding``), numbered from ``memo.first_number`` in the order of
    config/agencies.yaml (inspectors and groups: by name). Agencies in no district group
    get no memo by district group."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    settings = config.settings.memo
    order = {a.name: i for i, a in enumerate(config.agencies)}
    kinds = {a.name: a.kind for a in config.agencies}
    groups = _grouped(items, by, order)
    names = PageNames.of(**{FAMILY[by]: groups})
    memos = []
    for n, (key, part) in enumerate(groups.items()):
        number = settings.number_prefix + thai_digits(settings.first_number + n)
        kind = kinds.get(key, "other") if by == "agency" else by.removeprefix("district-")
        rows = [_row(i, item, by != "agency", links) for i, item in enumerate(part, 1)]
        agencies = list(dict.fromkeys(item["agency"] for item in part))
        context = {
            "unit": settings.unit, "phone": settings.phone, "number": number,
            "date": official_date(day), "subject": settings.subject,
            "addressee": addressee(settings, kind, key),
            "opening": _opening(part, by, key, as_of),
            "closing": _closing(part, by, day + timedelta(days=settings.reply_days)),
            "items": rows, "show_agency": by != "agency",
            "signer_name": settings.signer_name,
            "signer_position": list(settings.signer_position)}
        memos.append(Memo(key, by, names.name(FAMILY[by], key), number, day, agencies,
                          [{"agency": i["agency"], "directive_code": r["code"],
                            "link": r["link"]} for i, r in zip(part, rows, strict=True)],
                          context))
    return memos


def _grouped(items: list[dict], by: str, order: dict[str, int]) -> dict[str, list[dict]]:
    """The items of each memo: agencies and groups in the order of agencies.yaml (a group
    where its first member is), inspectors by name; each agency's items in their order."""
    column = {"agency": "agency", "inspector": "inspector",
              "district-group": "district_group"}[by]
    out: dict[str, list[dict]] = {}
    for item in sorted(items, key=lambda i: (order.get(i["agency"], len(order)), i["agency"])):
        if item[column]:
            out.setdefault(item[column], []).append(item)
    return dict(sorted(out.items())) if by == "inspector" else out


def _row(n: int, item: dict, show_agency: bool, links: LinkFn | None) -> dict:
    """One line of the memo's table."""
    todo = [TODO[item["kind"]]]
    for failed in item["failed"]:
        todo.append(f"รายงานที่ส่ง (แถว {thai_digits(failed['row'])} ของชีตคำตอบ): "
                    f"{failed['reason']} {failed['detail']}".strip())
        if failed["suggestion"]:
            todo.append(f"วิธีแก้ไข: {failed['suggestion']}")
    due = item["due_date"]
    days = int(item["days_overdue"])
    return {"no": thai_digits(n), "code": item["directive_code"], "text": item["text"],
            "agency": item["agency"] if show_agency else "",
            "due": official_date(due, short=True) if isinstance(due, date) else "-",
            "days": thai_digits(days) if days > 0 else "-", "todo": todo,
            "link": _safe(links(item["agency"], item["directive_code"], item["text"]))
            if links else None}


def _safe(link: str | None) -> str | None:
    """A link only when it is one http(s) URL (render/urls.py's rule for links)."""
    found = attachment_links(link or "")
    return found[0]["href"] if len(found) == 1 else None


def _opening(items: list[dict], by: str, key: str, as_of: date) -> str:
    """ตามที่ ... นั้น กองงานผู้ตรวจราชการได้ตรวจสอบข้อมูล ... พบว่า ..."""
    known = list(GIVEN)
    sources = sorted({i["source"] for i in items if i["source"]},
                     key=lambda s: (known.index(s) if s in known else len(known), s))
    given = " และ".join(f"{s}ได้มี{GIVEN.get(s, 'ข้อสั่งการ')}" for s in sources)
    years = sorted({int(i["fiscal_year"]) for i in items if str(i["fiscal_year"]).isdigit()})
    year_text = (" ประจำปีงบประมาณ พ.ศ. " + ", ".join(thai_digits(y) for y in years)
                 if years else "")
    agencies = len({i["agency"] for i in items})
    who = {"agency": key,
           "inspector": f"หน่วยรับตรวจในความรับผิดชอบ จำนวน {thai_digits(agencies)} หน่วยงาน",
           "district-group": f"สำนักงานเขตในกลุ่มเขต{key} จำนวน {thai_digits(agencies)} "
                             "หน่วยงาน"}[by]
    counts = {k: sum(1 for i in items if i["kind"] == k) for k in FINDINGS}
    findings = " และ".join(f"{FINDINGS[k]} จำนวน {thai_digits(c)} รายการ"
                           for k, c in counts.items() if c)
    return (f"ตามที่{given or 'มีข้อสั่งการ'}ในการตรวจราชการ{year_text} "
            "โดยให้หน่วยรับตรวจรายงานผลการดำเนินการผ่านแบบฟอร์มรายงานผลภายในกำหนด นั้น "
            f"กองงานผู้ตรวจราชการได้ตรวจสอบข้อมูล ณ วันที่ {official_date(as_of)} พบว่า "
            f"{who} {findings} รายละเอียดตามตารางท้ายบันทึกนี้")


def _closing(items: Iterable[dict], by: str, reply_by: date) -> str:
    """จึงเรียนมาเพื่อ ... ภายในวันที่ ..."""
    fix = " หรือแก้ไขข้อมูลให้ถูกต้อง" if any(i["kind"] == FAILED for i in items) else ""
    when = f"ผ่านแบบฟอร์มรายงานผล ภายในวันที่ {official_date(reply_by)}"
    if by == "inspector":
        return ("จึงเรียนมาเพื่อโปรดทราบ และโปรดพิจารณาเร่งรัดให้หน่วยรับตรวจดังกล่าว"
                f"รายงานผลการดำเนินการ{fix} {when} ต่อไป")
    return f"จึงเรียนมาเพื่อโปรดพิจารณารายงานผลการดำเนินการ{fix} {when} ด้วย จะขอบคุณยิ่ง"
