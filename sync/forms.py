"""Keep the reporting form's drop-downs in step with the register: Google Forms API v1.

One ``forms.get`` reads the form; one ``forms.batchUpdate`` sets the options of the
configured choice questions, each an ``updateItem`` whose mask names only
``questionItem.question.choiceQuestion.options``, at the item's index from the get, with
the get's ``revisionId`` as ``writeControl.requiredRevisionId`` (a form edited meanwhile
is refused, not overwritten). Every other item stays as it is. An option that stays keeps
what it had (an image, where it jumps to); an "Other" option stays last.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import google.auth.exceptions
import httplib2
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from tidtam.core.errors import ConfigError, GoogleError
from tidtam.core.model import printable
from tidtam.sync import retry
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.sheets import ServiceAccount

FORMS_SCOPES = ("https://www.googleapis.com/auth/forms.body",)
OPTIONS_MASK = "questionItem.question.choiceQuestion.options"


@dataclass(frozen=True)
class ChoiceChange:
    """One choice question: where it is, its options before and the ones it gets."""

    role: str            # "agency" or "directive"
    question_id: str
    title: str
    index: int           # the item's location in the form
    before: list[str]
    after: list[str]
    item: Mapping[str, Any]

    @property
    def added(self) -> list[str]:
        old = set(self.before)
        return [v for v in self.after if v not in old]

    @property
    def removed(self) -> list[str]:
        new = set(self.after)
        return [v for v in self.before if v not in new]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def forms_service(account: ServiceAccount, policy: RetryPolicy,
                  transport: httplib2.Http | None = None) -> Any:
    """A Forms v1 client from the bundled discovery document (no discovery request), with
    the forms.body scope and a timeout on every request."""
    http = AuthorizedHttp(account.credentials(FORMS_SCOPES),
                          http=transport or httplib2.Http(timeout=policy.timeout))
    return discovery.build("forms", "v1", http=http, cache_discovery=False,
                           static_discovery=True)


def get_form(service: Any, form_id: str, account: ServiceAccount,
             policy: RetryPolicy) -> dict[str, Any]:
    """The form as ``forms.get`` returns it; checked to hold items and a revision."""
    form = execute(service.forms().get(formId=form_id), policy, form_id, account)
    if not isinstance(form, dict) or not isinstance(form.get("items", []), list):
        raise GoogleError(f"form {form_id}: Google's answer is not a Form (no items list); "
                          "nothing was changed, try again")
    if not form.get("revisionId"):
        raise GoogleError(f"form {form_id}: Google's answer has no revisionId; nothing was "
                          "changed, try again")
    return form


def plan(form: Mapping[str, Any], wanted: Mapping[str, tuple[str, list[str]]],
         where: object) -> list[ChoiceChange]:
    """For each ``role -> (question id, options)``, the question's change; a ConfigError
    (naming ``where``, the form.yaml) when the form lacks the question or it has no choices."""
    found = _choice_items(form)
    changes = []
    for role, (question_id, options) in wanted.items():
        if question_id not in found:
            raise ConfigError(where, f"google_form.{role}_question_id {question_id!r}: the "
                              f"form has no such question; its questions are "
                              f"{describe_questions(form)}")
        index, item = found[question_id]
        choice = item["questionItem"]["question"].get("choiceQuestion")
        if not isinstance(choice, dict):
            raise ConfigError(where, f"google_form.{role}_question_id {question_id!r} "
                              f"({printable(item.get('title', ''))!r}) is not a drop-down or "
                              "multiple-choice question; make it one, or clear the key")
        before = [str(o.get("value", "")) for o in choice.get("options", [])
                  if not o.get("isOther")]
        changes.append(ChoiceChange(role, question_id, str(item.get("title", "")), index,
                                    before, list(options), item))
    return changes


def _choice_items(form: Mapping[str, Any]) -> dict[str, tuple[int, Mapping[str, Any]]]:
    """question id -> (item index, item) for every single-question item of the form."""
    out = {}
    for index, item in enumerate(form.get("items", [])):
        question = (item.get("questionItem") or {}).get("question") or {}
        if question.get("questionId"):
            out[str(question["questionId"])] = (index, item)
    return out


def describe_questions(form: Mapping[str, Any]) -> str:
    """Each question of the form as ``id 'title' (kind)``, for a message to act on."""
    parts = []
    for question_id, (_index, item) in _choice_items(form).items():
        question = item["questionItem"]["question"]
        kind = (question.get("choiceQuestion") or {}).get("type") or next(
            (k.removesuffix("Question") for k in question if k.endswith("Question")), "?")
        parts.append(f"{question_id} {printable(item.get('title', ''))!r} ({kind})")
    return ", ".join(parts) or "none"


def update_body(form: Mapping[str, Any], changes: list[ChoiceChange]) -> dict[str, Any]:
    """The batchUpdate body: one updateItem per changed question, options only."""
    requests = []
    for change in changes:
        if not change.changed:
            continue
        choice = change.item["questionItem"]["question"]["choiceQuestion"]
        kept = {str(o.get("value")): o for o in choice.get("options", []) if not o.get("isOther")}
        options = [dict(kept.get(v, {"value": v})) for v in change.after]
        options += [dict(o) for o in choice.get("options", []) if o.get("isOther")]
        requests.append({"updateItem": {
            "item": {"questionItem": {"question": {"choiceQuestion": {"options": options}}}},
            "location": {"index": change.index},
            "updateMask": OPTIONS_MASK,
        }})
    return {"requests": requests,
            "writeControl": {"requiredRevisionId": str(form["revisionId"])}}


def batch_update(service: Any, form_id: str, body: dict[str, Any], account: ServiceAccount,
                 policy: RetryPolicy) -> dict[str, Any]:
    """Send the one ``forms.batchUpdate``; its BatchUpdateFormResponse."""
    return execute(service.forms().batchUpdate(formId=form_id, body=body), policy, form_id,
                   account)


def execute(request: HttpRequest, policy: RetryPolicy, form_id: str,
            account: ServiceAccount) -> Any:
    """Run a Forms request with retries; a failure becomes one GoogleError line."""
    try:
        answer, _ = retry.call(lambda: request.execute(), policy, f"Forms {request.methodId}")
        return answer
    except retry.RetriesExhausted as exc:
        status = retry.http_status(exc.last)
        what = f"HTTP {status}" if status else exc.last.__class__.__name__
        raise GoogleError(
            f"form {form_id}: Google kept failing ({what}) after {exc.attempts} attempts; "
            "the form is unchanged, try again later"
        ) from None
    except google.auth.exceptions.RefreshError as exc:
        raise GoogleError(
            f"Google refused the service-account key in {printable(account.key_file)} "
            f"({printable(exc.args[0])}): the key may have been deleted or the account "
            "disabled; create a new key"
        ) from None
    except HttpError as exc:
        raise forms_error(exc, form_id, account.email) from None
    except ValueError:  # a 200 whose body is not JSON
        raise GoogleError(f"form {form_id}: Google's answer is not JSON; nothing was "
                          "changed, try again") from None


def forms_error(exc: HttpError, form_id: str, email: str) -> GoogleError:
    """A Forms error answer as one line a staff member can act on."""
    status = exc.resp.status
    try:
        error = json.loads(exc.content)["error"]
        message = str(error.get("message", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        message = printable(exc.content[:200])
    if retry.api_disabled(status, message):
        return retry.api_disabled_error("Forms", message)
    if status == 403:
        return GoogleError(
            f"form {form_id} may not be edited by the service account: open the form, press "
            f"Share (or ⋮ > Add collaborators) and add {email} as an editor")
    if status == 401:
        return GoogleError(f"Google refused the service-account key (HTTP 401): create a new "
                           f"key for {email}")
    if status == 404:
        return GoogleError(
            f"form {form_id} not found: check google_form.form_id in config/form.yaml (the id "
            f"in the form's edit address), and that {email} is an editor of the form")
    if status == 400 and "revision" in message.lower():
        return GoogleError(f"form {form_id} was edited while tidtam read it; nothing was "
                           "changed, run form sync again")
    return GoogleError(f"form {form_id}: Google answered {status}: {printable(message)}")
