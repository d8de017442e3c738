"""The column titles and the words of tidtam's synthetic data, shared by both generators.

``sample/generate.py`` (the bundled sample: a fixed seed and hand-placed cases) and
``bench/generate.py`` (benchmark sizes, drawn column-wise with numpy) write the same three
sheets the same messy ways. The titles, names and texts they write come from here; each
generator keeps only how it draws from these tables. Every name, phone number, address and
text is invented.

Changing a table changes what the generators write: run ``sample/generate.py`` and commit
its outputs together; the bench sets regenerate by themselves (the bench generator's
fingerprint covers this file). Column titles must match ``config/form.yaml``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

AS_OF = date(2024, 7, 31)  # the build date both data sets are meant for

# ------------------------------------------------------------------- the sheets' columns

# The directive register, one row per directive.
DIRECTIVE_COLUMNS = ["รหัส", "ปีงบประมาณ", "รอบ", "ที่มา", "ผู้ตรวจราชการ", "ข้อสั่งการ", "ประเภท",
                     "ปัจจัย", "หน่วยงานรับผิดชอบ", "กำหนดรายงาน"]

# The progress-report form's responses. The agency question was renamed during the year
# (older rows fill AGENCY, newer ones RENAMED_AGENCY) and one question was deleted (its
# column stays, mostly empty).
AGENCY = "หน่วยงาน"
RENAMED_AGENCY = "ชื่อหน่วยงาน"
DELETED_QUESTION = "คะแนนเดิม"
RESPONSE_COLUMNS = ["ประทับเวลา", "ที่อยู่อีเมล", AGENCY, "รหัสข้อสั่งการ", "สถานะการดำเนินการ",
                    "ผลการดำเนินการ", "ปัญหาอุปสรรค", "ปัจจัยที่เป็นอุปสรรค", "ชื่อผู้รายงาน",
                    "เบอร์โทรศัพท์", "เอกสารแนบ", DELETED_QUESTION, RENAMED_AGENCY]

# The satisfaction survey: a timestamp, the user group, five rated questions, a comment.
SATISFACTION_QUESTIONS = ["ความง่ายในการใช้งานระบบ", "ความรวดเร็วในการติดตามผลการดำเนินการ",
                          "ความถูกต้องและครบถ้วนของข้อมูล", "ความชัดเจนของการแสดงผลบนแดชบอร์ด",
                          "ประโยชน์ของระบบต่อการปฏิบัติงาน"]
SATISFACTION_COLUMNS = ["ประทับเวลา", "กลุ่มผู้ใช้", *SATISFACTION_QUESTIONS, "ข้อเสนอแนะ"]
SURVEY_GROUPS = ["ผู้ตรวจราชการ", "เจ้าหน้าที่กองงานผู้ตรวจราชการ", "เจ้าหน้าที่หน่วยรับตรวจ"]

# ------------------------------------------------------------- how Sheets writes values

BE = 543  # Buddhist-era years: 2024 is 2567
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ZWSP = "\u200b"  # a zero-width space, pasted in from other documents
SARA_AM = "\u0e33"
SARA_AM_SPLIT = "\u0e4d\u0e32"  # nikhahit + sara aa: how some keyboards type sara am


def be_date(d: date) -> str:
    """``29/1/2567``: Sheets' Thai locale, Buddhist-era year."""
    return f"{d.day}/{d.month}/{d.year + BE}"


def be_datetime(dt: datetime) -> str:
    """``5/1/2567 9:03:07``: Sheets' Thai-locale timestamp text."""
    return f"{dt.day}/{dt.month}/{dt.year + BE} {dt.hour}:{dt.minute:02d}:{dt.second:02d}"


# ------------------------------------------------------------------- agencies as written

DISTRICT_PREFIX = "สำนักงานเขต"  # every district office's name starts with it
EVERY_DISTRICT, EVERY_KHET = "ทุกสำนักงานเขต", "ทุกเขต"  # a directive for all districts
GROUP_PREFIX = "กลุ่มเขต"  # a directive for a district group: กลุ่มเขต + the group's name


def district_forms(bare: str) -> list[str]:
    """The short ways a district office X is written: เขตX, สนข.X and สำนักงานเขต X."""
    return ["เขต" + bare, "สนข." + bare, "สำนักงานเขต " + bare]


# Names that match no agency: misspellings, and the inspectors' own division.
UNKNOWN_AGENCIES = ["เขตหนองจอ", "สำนักการโยธ", "สำนักงานเขตบางรักษ์", "เขตลาดพร้า", "สนข.บางกะปี",
                    "สำนักอนามย", "กองงานผู้ตรวจราชการ", "เขตจตุจักรร"]

# ------------------------------------------------------------------------------- people

INSPECTORS = ["นายประเสริฐ วงศ์สวัสดิ์", "นางสาวกมลวรรณ ศรีสุข", "นายวิชัย ทองมา",
              "นางพรทิพย์ แก้วประเสริฐ", "นายธนพล รุ่งเรืองศรี", "นางสาวอรุณี บุญมี"]
# Who issued a directive (the inspectors' office twice as often).
SOURCES = ["ปลัดกรุงเทพมหานคร", "ผู้ตรวจราชการกรุงเทพมหานคร", "ผู้ตรวจราชการกรุงเทพมหานคร"]

# Reporters: (Thai, romanized for the email address) first and last names.
FIRST_NAMES = [("สมชาย", "somchai"), ("สุดารัตน์", "sudarat"), ("วีระพงษ์", "weerapong"),
               ("จิราพร", "jiraporn"), ("ณัฐวุฒิ", "nattawut"), ("ปิยะนุช", "piyanuch"),
               ("อนุชา", "anucha"), ("กนกพร", "kanokporn"), ("ธีรวัฒน์", "theerawat"),
               ("มาลัย", "malai"), ("สุริยา", "suriya"), ("พิมพ์ชนก", "pimchanok"),
               ("เอกชัย", "ekkachai"), ("รัตนา", "rattana"), ("ชัยวัฒน์", "chaiwat"),
               ("นภัสสร", "napatsorn"), ("ศักดิ์ชัย", "sakchai"), ("วรรณา", "wanna"),
               ("ภานุวัฒน์", "panuwat"), ("ศิริพร", "siriporn")]
MALE = {"somchai", "weerapong", "nattawut", "anucha", "theerawat", "suriya", "ekkachai",
        "chaiwat", "sakchai", "panuwat"}  # first names that take the title นาย
MR, WOMEN_TITLES = "นาย", ["นาง", "นางสาว"]
LAST_NAMES = [("ใจดี", "jaidee"), ("มั่นคง", "mankong"), ("แสงทอง", "saengthong"),
              ("พูลสวัสดิ์", "poonsawat"), ("ศรีอ่อน", "sri-on"), ("บุญเรือง", "boonruang"),
              ("ทองดี", "thongdee"), ("จันทร์หอม", "janhom"), ("สายสุวรรณ", "saisuwan"),
              ("เพชรรัตน์", "petcharat"), ("วงศ์ใหญ่", "wongyai"), ("คำภา", "khampa"),
              ("นาคสุข", "naksuk"), ("อินทร์แก้ว", "inkaew"), ("ชื่นชม", "chuenchom")]


def email_address(first: str, last: str) -> str:
    """A reporter's work address from the romanized names: ``somchai.jai@bangkok.go.th``."""
    return f"{first}.{last[:3]}@bangkok.go.th"


def phone_number(a: int, b: int, c: int) -> str:
    """A mobile number ``08a-bbb-cccc``."""
    return f"08{a}-{b:03d}-{c:04d}"


# --------------------------------------------------------------------------- directives


class Theme(NamedTuple):
    """A directive's text, its type code, impact factor codes and the departments it fits."""

    text: str
    type: str
    factors: list[str]
    departments: list[str]


THEMES = [
    Theme("ให้เร่งขุดลอกคูคลองและล้างท่อระบายน้ำในพื้นที่ให้แล้วเสร็จก่อนเข้าฤดูฝน", "1.10", ["2.2", "2.3"], ["สำนักการระบายน้ำ"]),
    Theme("ให้จัดทำแผนป้องกันและแก้ไขปัญหาน้ำท่วมขังในจุดเสี่ยงของพื้นที่", "1.4", ["2.3"], ["สำนักการระบายน้ำ", "สำนักการโยธา"]),
    Theme("ให้สำรวจสิ่งปลูกสร้างรุกล้ำลำรางสาธารณะและคูคลอง และจัดทำบัญชีรายชื่อผู้รุกล้ำ", "1.5", ["2.5", "2.3"], ["สำนักการระบายน้ำ", "สำนักการโยธา"]),
    Theme("ให้รณรงค์การคัดแยกขยะมูลฝอยต้นทางในชุมชน ตลาด และสถานศึกษา", "1.6", ["2.3"], ["สำนักสิ่งแวดล้อม", "สำนักการศึกษา"]),
    Theme("ให้พิจารณาจ้างเหมาเอกชนเก็บขนขยะมูลฝอยในพื้นที่ที่รถเก็บขนเข้าไม่ถึง", "1.8", ["2.2", "2.1"], ["สำนักสิ่งแวดล้อม"]),
    Theme("ให้ตรวจวัดและควบคุมการปล่อยฝุ่นละออง PM2.5 จากสถานประกอบการและไซต์ก่อสร้าง", "1.10", ["2.5", "2.4"], ["สำนักสิ่งแวดล้อม", "สำนักการโยธา"]),
    Theme("ให้ประชาสัมพันธ์แจ้งเตือนค่าฝุ่นละออง PM2.5 และแนวทางการดูแลสุขภาพแก่ประชาชน", "1.6", ["2.4"], ["สำนักสิ่งแวดล้อม", "สำนักอนามัย"]),
    Theme("ให้ขยายเวลาให้บริการของศูนย์บริการสาธารณสุขในวันหยุดราชการ", "1.2", ["2.1", "2.2"], ["สำนักอนามัย"]),
    Theme("ให้จัดทำฐานข้อมูลผู้สูงอายุ ผู้พิการ และผู้ป่วยติดเตียงในพื้นที่ เพื่อการดูแลต่อเนื่อง", "1.9", ["2.4", "2.3"], ["สำนักพัฒนาสังคม", "สำนักอนามัย"]),
    Theme("ให้ประสานโรงพยาบาลในสังกัดเพื่อลดระยะเวลารอคอยของผู้ป่วยนอก", "1.7", ["2.1", "2.3"], ["สำนักการแพทย์"]),
    Theme("ให้สำรวจความปลอดภัยของอาคารเรียนและเครื่องเล่นในโรงเรียนสังกัดกรุงเทพมหานคร", "1.5", ["2.2", "2.3"], ["สำนักการศึกษา", "สำนักการโยธา"]),
    Theme("ให้จัดตั้งคณะทำงานดูแลความปลอดภัยบริเวณหน้าโรงเรียนในช่วงเวลาเข้า-ออก", "1.3", ["2.1"], ["สำนักการศึกษา", "สำนักเทศกิจ", "สำนักการจราจรและขนส่ง"]),
    Theme("ให้เร่งรัดการเบิกจ่ายงบประมาณรายจ่ายประจำปีให้เป็นไปตามเป้าหมายรายไตรมาส", "1.10", ["2.2"], ["สำนักงบประมาณกรุงเทพมหานคร", "สำนักการคลัง"]),
    Theme("ให้ทบทวนหลักเกณฑ์การจัดระเบียบหาบเร่แผงลอยบนทางเท้าให้สอดคล้องกับพื้นที่", "1.1", ["2.5", "2.3"], ["สำนักเทศกิจ"]),
    Theme("ให้ปรับปรุงทางเท้าและไฟฟ้าส่องสว่างในซอยที่มีความเสี่ยงต่ออาชญากรรม", "1.10", ["2.2"], ["สำนักการโยธา", "สำนักการจราจรและขนส่ง"]),
    Theme("ให้ตรวจสอบความพร้อมของอุปกรณ์ดับเพลิงและทางหนีไฟในอาคารสูงและอาคารสาธารณะ", "1.5", ["2.5", "2.1"], ["สำนักป้องกันและบรรเทาสาธารณภัย", "สำนักการโยธา"]),
    Theme("ให้ตัดแต่งต้นไม้ริมถนนให้ถูกหลักวิชาการโดยรุกขกร", "1.1", ["2.1", "2.3"], ["สำนักสิ่งแวดล้อม"]),
    Theme("ให้ประชาสัมพันธ์ช่องทางรับเรื่องร้องเรียนผ่านระบบ Traffy Fondue และติดตามการแก้ไขให้แล้วเสร็จ", "1.6", ["2.4"], ["สำนักยุทธศาสตร์และประเมินผล"]),
    Theme("ให้ทบทวนอัตรากำลังเจ้าหน้าที่ที่ปฏิบัติงานด้านรักษาความสะอาดให้เหมาะสมกับภาระงาน", "1.5", ["2.1"], ["สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร", "สำนักสิ่งแวดล้อม"]),
    Theme("ให้จัดทำฐานข้อมูลอาคารและป้ายโฆษณาที่ต้องตรวจสอบความมั่นคงแข็งแรง", "1.9", ["2.4", "2.5"], ["สำนักการโยธา", "สำนักการวางผังและพัฒนาเมือง"]),
    Theme("ให้ขอรับการสนับสนุนเครื่องสูบน้ำและรถเครื่องมือเพิ่มเติมสำหรับจุดอ่อนน้ำท่วม", "1.2", ["2.2", "2.4"], ["สำนักการระบายน้ำ"]),
    Theme("ให้ประสานภาคเอกชนและชุมชนในการดูแลพื้นที่สาธารณะและสวนหย่อม", "1.7", ["2.3"], ["สำนักสิ่งแวดล้อม", "สำนักพัฒนาสังคม"]),
    Theme("ให้จัดทำแผนการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้างให้ครบถ้วนตามฐานข้อมูลแผนที่ภาษี", "1.4", ["2.4", "2.3"], ["สำนักการคลัง"]),
    Theme("ให้ติดตามประเมินผลโครงการตามแผนปฏิบัติราชการและรายงานผลทุกเดือน", "1.10", ["2.3"], ["สำนักยุทธศาสตร์และประเมินผล", "สำนักปลัดกรุงเทพมหานคร"]),
    Theme("ให้ส่งเสริมกิจกรรมกีฬาและนันทนาการในศูนย์เยาวชนและลานกีฬา", "1.7", ["2.2"], ["สำนักวัฒนธรรม กีฬาและการท่องเที่ยว"]),
    Theme("ให้จัดตั้งคณะกรรมการตรวจสอบคุณภาพงานก่อสร้างและซ่อมแซมผิวจราจร", "1.3", ["2.3", "2.5"], ["สำนักการโยธา"]),
    Theme("ให้ปรับปรุงขั้นตอนการออกใบอนุญาตก่อสร้างให้รวดเร็วและโปร่งใส", "1.1", ["2.5", "2.4"], ["สำนักการโยธา", "สำนักการวางผังและพัฒนาเมือง"]),
    Theme("ให้จัดการข้อมูลเรื่องร้องเรียนจากสภากรุงเทพมหานครและรายงานความคืบหน้า", "1.9", ["2.4"], ["สำนักงานเลขานุการสภากรุงเทพมหานคร", "สำนักงานเลขานุการผู้ว่าราชการกรุงเทพมหานคร"]),
    Theme("ให้พิจารณาจ้างเหมาเอกชนดูแลรักษาความสะอาดห้องน้ำสาธารณะในตลาด", "1.8", ["2.2"], ["สำนักงานการพาณิชย์", "สำนักอนามัย"]),
    Theme("ให้สำรวจจุดเสี่ยงอุบัติเหตุทางถนนและทางข้ามที่ไม่ปลอดภัย", "1.5", ["2.3"], ["สำนักการจราจรและขนส่ง"]),
]
# Endings that vary a theme used more than once.
THEME_TAILS = [" โดยให้รายงานผลทุกไตรมาส", " และรายงานผลให้ผู้ตรวจราชการทราบ", " ให้ครอบคลุมทุกแขวง",
               " โดยบูรณาการร่วมกับหน่วยงานที่เกี่ยวข้อง"]

# ------------------------------------------------------------------------------ reports

# What was done, by status; {n}, {m}, {p} are counts and a percentage, {d} a date.
RESULTS = {
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
# Legitimate free text that looks hostile; it must be accepted as typed.
HOSTILE = [
    "<b>ดำเนินการแล้ว</b> ครบทุกจุด",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
    "+66 2 123 4567 ติดต่อฝ่ายโยธาได้ตลอดเวลาราชการ",
    'ดำเนินการตามหนังสือที่ "กท 1503/2567" เรื่อง \'การขุดลอกคูคลอง\' แล้ว',
    "1. สำรวจพื้นที่แล้ว 12 จุด\n2. ขุดลอกแล้ว 8 จุด\n3. คงเหลือ 4 จุด จะแล้วเสร็จภายในเดือนหน้า",
]
# Attachments: Drive links, "open?id=1" and 32 characters of an id.
DRIVE_LINK = "https://drive.google.com/open?id=1"
DRIVE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
DRIVE_ID_LENGTH = 32
# When reports are sent: the hour of day and how often (office hours mostly).
REPORT_HOURS = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21]
REPORT_HOUR_WEIGHTS = [1, 6, 10, 10, 9, 4, 8, 10, 10, 9, 5, 2, 1, 1]

# --------------------------------------------------------------------------- the survey

SURVEY_COMMENTS = ["ควรเพิ่มการแจ้งเตือนเมื่อใกล้ครบกำหนดรายงาน", "อยากให้ส่งออกข้อมูลเป็น Excel ได้",
                   "ระบบใช้งานง่าย ช่วยลดงานเอกสารได้มาก", "ควรมีคู่มือการใช้งานสำหรับเจ้าหน้าที่ใหม่",
                   "ตัวอักษรบนแดชบอร์ดเล็กไป อ่านบนมือถือยาก", "ขอให้แสดงประวัติการรายงานย้อนหลัง",
                   "ดีมาก", "ควรเชื่อมโยงกับระบบสารบรรณอิเล็กทรอนิกส์"]
# Shorter comments, as the bench writes them.
SHORT_SURVEY_COMMENTS = ["ดีมาก", "ควรเพิ่มการแจ้งเตือนทางอีเมล", "ใช้งานง่าย", "อยากให้ส่งออกเป็น Excel ได้",
                         "ข้อมูลอัปเดตรวดเร็ว", "ตัวอักษรเล็กไปบนมือถือ"]

# ------------------------------------------------------------------------- defective rows
# Each defective row has exactly one defect, so the quarantine reason it gets is known.
# The reasons are the keys transform/ gives them.

RESPONSE_DEFECTS = ["blank", "test_row", "bad_timestamp", "future_timestamp", "missing_agency",
                    "unknown_agency", "missing_directive", "unknown_directive",
                    "directive_rejected", "not_assigned", "missing_status", "unknown_status"]
REGISTER_DEFECTS = ["blank", "duplicate_code", "unknown_type", "unknown_factor", "bad_due_date"]
SURVEY_DEFECTS = ["blank", "unknown_answer", "bad_timestamp"]

# test_row: a test submission, marked in the agency, the reporter or the answer.
TEST, TEST_SYSTEM, TEST_EN = "ทดสอบ", "ทดสอบ ระบบ", "test"
TEST_RESULT = "ทดสอบการส่งแบบฟอร์ม"
# bad_timestamp: text where a time should be.
UNKNOWN_TIME, UNSTATED_TIME, IMPOSSIBLE_TIME = "ไม่ทราบ", "ไม่ระบุ", "32/13/2567 25:00:00"
# unknown_directive: a directive named by its topic, without a code.
NO_CODE = "ข้อ 5 เรื่องน้ำท่วม"
# unknown_status: words that are not one of the taxonomy's status labels or aliases.
UNKNOWN_STATUSES = ["เสร็จแล้ว", "ยกเลิก", "อื่นๆ"]
# An older form version's label, which taxonomy.yaml lists as a status's alias: such a row
# is a valid report of that status (issue 12: Sathorn's row 229).
STATUS_ALIASES = {"กำลังดำเนินการ": "in_progress"}
# The sample's odd status cells, in the order it writes them (the sheet stays as it was).
ODD_STATUSES = ["เสร็จแล้ว", "กำลังดำเนินการ", "ยกเลิก", "อื่นๆ"]
# unknown_answer: a survey answer off the form's scale.
OFF_SCALE_ANSWER = "ปานกลาง"
# Register defects: a type label with a typo (a code missing from the taxonomy would be a
# config mistake that stops the build instead), a factor that is not one, a due date in
# words, and the mark on a copy-pasted duplicate row's text.
UNKNOWN_TYPE_LABEL = "ให้แก้ไขปรับปรุงวิธีการทำงาน"
UNKNOWN_FACTOR = "ด้านสิ่งแวดล้อม"
DUE_IN_WORDS = "ภายในเดือนหน้า"
DUPLICATE_MARK = " (ซ้ำ)"
