"""settings.yaml ``memo:``: who sends the follow-up memos, their numbering, signer and
addressees. Every key has a default, so a config folder without the section still loads."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Addressee(_Strict):
    """เรียน ...: the title of the head of what a memo is addressed to. ``{name}`` is the
    agency, inspector or district group; ``{district}`` a district office's name without
    สำนักงานเขต."""

    district: str = "ผู้อำนวยการเขต{district}"
    department: str = "ผู้อำนวยการ{name}"
    other: str = "หัวหน้า{name}"
    inspector: str = "ผู้ตรวจราชการกรุงเทพมหานคร ({name})"
    group: str = "ผู้อำนวยการสำนักงานเขตในกลุ่มเขต{name}"

    @field_validator("*")
    @classmethod
    def _known_slots(cls, v: str) -> str:
        try:
            v.format(name="", district="")
        except (KeyError, IndexError, ValueError):
            raise ValueError(f"{v!r}: use only {{name}} and {{district}} in braces") from None
        return v


class MemoSettings(_Strict):
    """The follow-up memos (บันทึกข้อความติดตามผลการดำเนินการตามข้อสั่งการ)."""

    unit: str = Field("กองงานผู้ตรวจราชการ (กลุ่มงานช่วยผู้ตรวจราชการ)", min_length=1)
    phone: str = "๐ ๒๒๒๑ ๒๑๕๑ ต่อ ๑๑๘๘"
    number_prefix: str = "กท ๐๔๐๙/"  # ที่: this, then the running number in Thai digits
    first_number: int = Field(1, ge=1)  # the running number of a run's first memo
    subject: str = Field("ติดตามผลการดำเนินการตามข้อสั่งการ", min_length=1)
    signer_name: str = Field("นางสาวเสาวลักษณ์ วงศ์ปัทมชัย", min_length=1)
    signer_position: list[str] = ["ผู้อำนวยการกองงานผู้ตรวจราชการ", "สำนักปลัดกรุงเทพมหานคร"]
    reply_days: int = Field(15, ge=1, le=365)  # report by: the memo's date + reply_days
    addressee: Addressee = Addressee()
