"""The ``google_form:`` section of form.yaml: the prefilled-link template and the questions
``tidtam form sync`` keeps in step with the register (typed here, loaded by core/config.py).

Every key is optional: with no ``viewform_url`` no "ส่งรายงานผล" link is made, and with no
``form_id`` ``form sync`` says what to set.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

VIEWFORM_RE = re.compile(
    r"^https://docs\.google\.com/(?:a/[^/?#]+/)?forms/(?:u/\d+/)?d/e/([A-Za-z0-9_-]{20,})/viewform$"
)
ENTRY_RE = re.compile(r"^entry\.\d+$")
QUESTION_ID_RE = re.compile(r"^[0-9a-fA-F]{1,32}$")
FORM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_EDIT_URL_RE = re.compile(r"/forms/(?:u/\d+/)?d/(?!e/)([A-Za-z0-9_-]{20,})(?:/|$)")


class GoogleForm(BaseModel):
    """Where the reporting form is, which entries and questions are which."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form_id: str | None = None
    viewform_url: str | None = None
    agency_entry: str | None = None
    directive_entry: str | None = None
    directive_answer: Literal["code", "choice"] = "code"
    agency_question_id: str | None = None
    directive_question_id: str | None = None
    choice_text_chars: int = Field(80, ge=10, le=500)

    @field_validator("form_id", "viewform_url", "agency_entry", "directive_entry",
                     "agency_question_id", "directive_question_id", mode="before")
    @classmethod
    def _empty_is_none(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    @field_validator("form_id")
    @classmethod
    def _form_id(cls, v: str | None) -> str | None:
        if v is None or FORM_ID_RE.match(v):
            return v
        if "/d/e/" in v:
            raise ValueError("this is the published (viewform) address; form_id is the id "
                             "in the form's edit address, docs.google.com/forms/d/<form_id>/edit")
        found = _EDIT_URL_RE.search(v)
        if found:
            return found.group(1)
        raise ValueError(f"{v!r} is not a form id; copy the id from the form's edit address "
                         "(docs.google.com/forms/d/<form_id>/edit)")

    @field_validator("viewform_url")
    @classmethod
    def _viewform(cls, v: str | None) -> str | None:
        if v is not None and not VIEWFORM_RE.match(v):
            raise ValueError(f"{v!r} is not a form's viewform address "
                             "(https://docs.google.com/forms/d/e/<id>/viewform); "
                             "run `tidtam form learn-prefill` to set it")
        return v

    @field_validator("agency_entry", "directive_entry")
    @classmethod
    def _entry(cls, v: str | None) -> str | None:
        if v is not None and not ENTRY_RE.match(v):
            raise ValueError(f"{v!r} is not an entry id like \"entry.123456\"")
        return v

    @field_validator("agency_question_id", "directive_question_id")
    @classmethod
    def _question(cls, v: str | None) -> str | None:
        if v is not None and not QUESTION_ID_RE.match(v):
            raise ValueError(f"{v!r} is not a question id (hex digits, e.g. \"3f2a1b0c\"; "
                             "not the entry number)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> GoogleForm:
        link = {"viewform_url": self.viewform_url, "agency_entry": self.agency_entry,
                "directive_entry": self.directive_entry}
        missing = [k for k, v in link.items() if v is None]
        if 0 < len(missing) < 3:
            verb = "is" if len(missing) == 1 else "are"
            raise ValueError(f"{' and '.join(missing)} {verb} empty: the prefilled link needs "
                             "viewform_url, agency_entry and directive_entry together "
                             "(run `tidtam form learn-prefill`)")
        if self.agency_entry is not None and self.agency_entry == self.directive_entry:
            raise ValueError("agency_entry and directive_entry are the same entry")
        if self.directive_question_id and self.directive_answer == "code":
            raise ValueError("directive_question_id is set but directive_answer is code (a "
                             "short-answer question has no choices to sync); set "
                             "directive_answer: choice for a drop-down question")
        if self.agency_question_id and self.agency_question_id == self.directive_question_id:
            raise ValueError("agency_question_id and directive_question_id are the same")
        return self

    @property
    def has_link(self) -> bool:
        """True when a prefilled link can be made."""
        return self.viewform_url is not None
