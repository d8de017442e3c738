"""Bounded retries with exponential backoff and jitter for every call to Google."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import google.auth.exceptions
import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random,
)

from tidtam.core.errors import GoogleError
from tidtam.core.model import printable

if TYPE_CHECKING:  # settings.py imports pydantic models only; no cycle at run time
    from tidtam.sync.settings import GoogleSettings

log = logging.getLogger("tidtam.sync")

T = TypeVar("T")

# 429 is a quota answer; 5xx are Google's own hiccups. Both usually pass on their own.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Drive reports per-user rate limits as 403 with one of these reasons.
DRIVE_RATE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying: bounded by attempts and by total time."""

    attempts: int = 6
    initial_wait: float = 1.0
    max_wait: float = 30.0
    max_total: float = 120.0
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, google: GoogleSettings) -> RetryPolicy:
        """Build from the google: section of config/sync.yaml."""
        retry = google.retry
        return cls(
            attempts=retry.attempts,
            initial_wait=retry.initial_wait_seconds,
            max_wait=retry.max_wait_seconds,
            max_total=retry.max_total_seconds,
            timeout=google.timeout_seconds,
        )


class RetriesExhausted(Exception):
    """The last transient failure, after the retry budget ran out."""

    def __init__(self, last: BaseException, attempts: int, seconds: float):
        super().__init__(str(last))
        self.last = last
        self.attempts = attempts
        self.seconds = seconds


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a failed Google call, whichever client raised it."""
    response = getattr(exc, "response", None)  # gspread APIError, requests HTTPError
    status = getattr(response, "status_code", None)
    if status is None:
        resp = getattr(exc, "resp", None)  # googleapiclient HttpError
        status = getattr(resp, "status", None)
    return int(status) if status is not None else None


def api_disabled(status: int | None, message: str) -> bool:
    """Google's 403 for an API the project has not enabled ("... has not been used in
    project N before or it is disabled")."""
    return status == 403 and ("has not been used" in message or "disabled" in message)


def api_disabled_error(api: str, message: str) -> GoogleError:
    """One line for a disabled API: which one, where to enable it, and Google's words."""
    return GoogleError(
        f"the Google {api} API is not enabled for the service account's project: enable it "
        f"in the Google Cloud console, then retry ({printable(message)})")


def is_transient(exc: BaseException) -> bool:
    """True for failures worth another try: 429, 5xx, timeouts, dropped connections."""
    if isinstance(exc, requests.ConnectionError | requests.Timeout | TimeoutError):
        return True
    if isinstance(exc, ConnectionError | google.auth.exceptions.TransportError):
        return True
    status = http_status(exc)
    if status in TRANSIENT_STATUSES:
        return True
    if status == 403:
        content = getattr(exc, "content", b"") or b""
        return any(reason.encode() in content for reason in DRIVE_RATE_REASONS)
    return False


def call(fn: Callable[[], T], policy: RetryPolicy, what: str) -> tuple[T, int]:
    """Run ``fn`` until it succeeds; return its result and the number of attempts.

    Raises RetriesExhausted when transient failures outlast the policy, and any other
    exception unchanged at once.
    """

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        status = http_status(exc) if exc else None
        log.warning(
            "%s: %s (attempt %d of %d); retrying in %.1fs",
            what,
            f"HTTP {status}" if status else exc.__class__.__name__,
            state.attempt_number,
            policy.attempts,
            state.upcoming_sleep,
        )

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.max_total),
        # Doubling pauses plus up to one initial pause of jitter, so that several
        # clients that failed together do not retry together.
        wait=wait_exponential(multiplier=policy.initial_wait, max=policy.max_wait)
        + wait_random(0, policy.initial_wait),
        retry=retry_if_exception(is_transient),
        before_sleep=before_sleep,
        reraise=True,
    )
    attempts = 0

    def counted() -> T:
        nonlocal attempts
        attempts += 1
        return fn()

    try:
        return retrying(counted), attempts
    except Exception as exc:
        if is_transient(exc):
            seconds = retrying.statistics.get("delay_since_first_attempt", 0.0)
            raise RetriesExhausted(exc, attempts, seconds) from exc
        raise
