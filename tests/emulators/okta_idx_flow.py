"""The IDX state machine of the Okta Identity Engine emulator, one per state handle.

introspect -> identify (with the password, or then challenge-authenticator for it) ->
[select-authenticator-authenticate] -> challenge-authenticator (a code) or
challenge-poll (push) -> success. Every answer is an IDX document (`okta_idx_json`);
refusals are 4xx documents with `messages`. The emulator (`okta_idx.py`) routes the
POSTs here and serves the SAML form behind `success.href`.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.emulators import okta_idx_blocked as blocked
from tests.emulators import okta_idx_json as idx
from tests.emulators.messages import Response

TRANSACTION_SECONDS = 600
UNPERFORMABLE = (None, *blocked.KINDS)
PUSH_OUTCOMES = ("approve", "reject", "never")


@dataclass(frozen=True)
class IdxSettings:
    """The emulator options the state machine reads."""

    users: Mapping[str, str]
    user_status: Mapping[str, str]
    app_id: str
    password_in_identify: bool
    authenticators: tuple[str, ...]
    push_outcome: str
    push_approve_after: int
    number_challenge: int | None
    otp_code: str
    poll_refresh_ms: int
    unperformable: str | None
    expire_after: int | None


@dataclass
class _Transaction:
    handle: str
    expires: float
    step: str = "identify"  # identify, password, select, code, poll, webauthn, blocked
    user: str = ""
    kind: str = ""  # the authenticator kind being challenged
    calls: int = 0
    polls: int = 0


class IdxFlow:
    """The transactions of one emulator. `bump(name)` counts, `url()` is the base URL,
    `challenged(method)` records a challenge sent, `succeeded(user, short_token)` is
    called when a transaction ends in success."""

    def __init__(
        self,
        settings: IdxSettings,
        *,
        url: Callable[[], str],
        bump: Callable[[str], int],
        challenged: Callable[[str], None],
        succeeded: Callable[[str, str], None],
    ) -> None:
        self.settings = settings
        self._url, self._bump = url, bump
        self._challenged, self._succeeded = challenged, succeeded
        self._lock = threading.RLock()
        self._state_tokens: dict[str, str] = {}  # page stateToken -> its state handle
        self._transactions: dict[str, _Transaction] = {}

    def new_state_token(self) -> str:
        """A fresh stateToken for the sign-in page (always holds a '-', which the page
        writes JavaScript-escaped)."""
        token = f"00{secrets.token_urlsafe(12)}-{secrets.token_urlsafe(12)}"
        with self._lock:
            self._state_tokens[token] = ""
        return token

    def handle(self, step: str, body: dict[str, Any] | None) -> Response:
        """Answer a POST to /idp/idx/<step> (introspect, identify, challenge,
        challenge/answer, challenge/poll, cancel) with the JSON `body`."""
        if body is None:
            return _answer(idx.terminal_error(*idx.BAD_REQUEST), 400)
        if step == "introspect":
            self._bump("introspects")
            token = body.get("stateToken")
            if isinstance(token, str):
                body = {"stateHandle": self._introspected(token)}
        with self._lock:
            tx = self._transactions.get(str(body.get("stateHandle")))
            if tx is not None:
                tx.calls += 1
                limit = self.settings.expire_after
                if tx.expires < time.time() or (limit is not None and tx.calls > limit):
                    del self._transactions[tx.handle]
                    tx = None
        if tx is None:
            return _answer(idx.terminal_error(*idx.EXPIRED), 401)
        if step == "cancel":
            with self._lock:
                self._transactions.pop(tx.handle, None)
            return _answer(idx.terminal_error("The operation was cancelled.", "idx.cancelled"))
        if step == "identify":
            return self._identify(tx, body)
        if step == "challenge":
            return self._select(tx, body)
        if step == "challenge/answer":
            return self._answer(tx, body)
        if step == "challenge/poll":
            return self._poll(tx)
        return self._document(tx)  # introspect with a stateHandle: where we are

    def _introspected(self, token: str) -> str:
        """The state handle of the page's `token`: a new transaction on the first
        introspect, the same one after (Okta answers where the sign-in stands)."""
        with self._lock:
            handle = self._state_tokens.get(token)
            if handle == "":
                handle = f"02{secrets.token_urlsafe(18)}~c.{secrets.token_urlsafe(9)}"
                self._state_tokens[token] = handle
                self._transactions[handle] = _Transaction(handle, time.time() + TRANSACTION_SECONDS)
            return handle or ""

    def _identify(self, tx: _Transaction, body: dict[str, Any]) -> Response:
        if tx.step != "identify":
            return self._document(tx, idx.message(*idx.BAD_STEP), 400)
        self._bump("identifies")
        user = body.get("identifier")
        if not isinstance(user, str) or not user:
            return self._document(tx, idx.message(*idx.WRONG_PASSWORD), 400)
        tx.user = user
        if self.settings.password_in_identify:
            refused = self._check_password(tx, _passcode(body))
            if refused is not None:
                return refused
        if self.settings.unperformable is not None:
            tx.step = "blocked"
            return self._document(tx)
        if self.settings.password_in_identify:
            return self._after_password(tx)
        tx.step = "password"
        return self._document(tx)

    def _check_password(self, tx: _Transaction, password: str | None) -> Response | None:
        self._bump("password_answers")
        if self.settings.user_status.get(tx.user) == "LOCKED_OUT":
            return self._document(tx, idx.message(*idx.LOCKED), 403)
        if self.settings.users.get(tx.user) != password or password is None:
            return self._document(tx, idx.message(*idx.WRONG_PASSWORD), 400)
        return None

    def _after_password(self, tx: _Transaction) -> Response:
        kinds = self.settings.authenticators
        if not kinds:
            return self._success(tx)
        if len(kinds) == 1 and kinds[0] not in ("fastpass", "webauthn"):
            return self._challenge(tx, kinds[0])
        tx.step = "select"
        return self._document(tx)

    def _answer(self, tx: _Transaction, body: dict[str, Any]) -> Response:
        if tx.step == "password":
            refused = self._check_password(tx, _passcode(body))
            return refused or self._after_password(tx)
        if tx.step == "code":
            self._bump("code_answers")
            if _passcode(body) != self.settings.otp_code:
                return self._document(tx, None, 400, field_error=idx.message(*idx.WRONG_CODE))
            return self._success(tx)
        if tx.step == "webauthn":
            return self._document(tx, idx.message(*idx.WRONG_CODE), 400)
        return self._document(tx, idx.message(*idx.BAD_STEP), 400)

    def _select(self, tx: _Transaction, body: dict[str, Any]) -> Response:
        if tx.step not in ("select", "code", "poll"):
            return self._document(tx, idx.message(*idx.BAD_STEP), 400)
        self._bump("challenges")
        chosen = body.get("authenticator")
        chosen = chosen if isinstance(chosen, dict) else {}
        kinds = self.settings.authenticators
        for kind in kinds:
            spec = idx.AUTHENTICATORS[kind]
            if chosen.get("id") != spec.id:
                continue
            siblings = [k for k in kinds if idx.AUTHENTICATORS[k].id == spec.id]
            method = chosen.get("methodType")
            # An authenticator with one method may be chosen by its id alone.
            if method == spec.method or (method is None and len(siblings) == 1):
                return self._challenge(tx, kind)
        invalid = idx.message("Invalid authenticator or method.", "errors.E0000001")
        return self._document(tx, invalid, 400)

    def _challenge(self, tx: _Transaction, kind: str) -> Response:
        method = idx.AUTHENTICATORS[kind].method
        self._challenged(method)
        tx.kind, tx.polls = kind, 0
        if kind == "okta_verify_push":
            tx.step = "poll"
        elif kind == "fastpass":
            tx.step = "blocked"
        else:
            tx.step = "webauthn" if kind == "webauthn" else "code"
        return self._document(tx)

    def _poll(self, tx: _Transaction) -> Response:
        if tx.step != "poll":
            return self._document(tx, idx.message(*idx.BAD_STEP), 400)
        self._bump("polls")
        tx.polls += 1
        outcome = self.settings.push_outcome
        if outcome == "never" or tx.polls <= self.settings.push_approve_after:
            return self._document(tx)
        if outcome == "approve":
            return self._success(tx)
        tx.step = "select"  # a rejected push may be sent again
        return self._document(tx, idx.message(*idx.REJECTED), 403)

    def _success(self, tx: _Transaction) -> Response:
        short = tx.handle.partition("~")[0]
        with self._lock:
            self._transactions.pop(tx.handle, None)
        self._succeeded(tx.user, short)
        href = f"{self._url()}/login/token/redirect?stateToken={short}"
        answer = idx.document(
            tx.handle,
            tx.expires,
            [],
            success=idx.success_object(href),
            user=idx.user_context(tx.user),
            app=idx.app_context(self.settings.app_id),
        )
        return _answer(answer)

    def _document(
        self,
        tx: _Transaction,
        error: dict[str, Any] | None = None,
        status: int = 200,
        *,
        field_error: dict[str, Any] | None = None,
    ) -> Response:
        """The document of `tx`'s current step, with `error` as a top-level message
        or `field_error` on the passcode field."""
        base, handle, kinds = self._url(), tx.handle, self.settings.authenticators
        context: dict[str, Any] = {}
        if tx.step == "identify":
            forms = [idx.identify_remediation(base, handle, self.settings.password_in_identify)]
        elif tx.step == "password":
            forms = [idx.answer_remediation(base, handle, "Password", _listed(field_error))]
            context["currentAuthenticatorEnrollment"] = idx.wrap(idx.PASSWORD_ENROLLMENT)
        elif tx.step == "select":
            forms = [idx.select_remediation(base, kinds)]
        elif tx.step in ("code", "webauthn"):
            label = "Enter code" if tx.step == "code" else "Security key"
            forms = [idx.answer_remediation(base, handle, label, _listed(field_error))]
            context["currentAuthenticatorEnrollment"] = idx.current(tx.kind, self._contextual(tx))
        elif tx.step == "poll":
            forms = [idx.poll_remediation(base, handle, self.settings.poll_refresh_ms)]
            context["currentAuthenticator"] = idx.current(tx.kind, self._contextual(tx))
        else:
            what = "fastpass" if tx.kind == "fastpass" else str(self.settings.unperformable)
            forms, context = blocked.forms(what, base, handle, self.settings.poll_refresh_ms)
        if len(kinds) > 1 and tx.step in ("code", "poll", "webauthn"):
            forms.append(idx.select_remediation(base, kinds))  # "verify with something else"
        if tx.step != "identify":
            context.update(idx.authenticator_lists(kinds), user=idx.user_context(tx.user))
        if error is not None:
            context["messages"] = idx.wrap([error])
        answer = idx.document(
            handle,
            tx.expires,
            [*forms, idx.cancel_form(base, handle)],
            app=idx.app_context(self.settings.app_id),
            **context,
        )
        return _answer(answer, status)

    def _contextual(self, tx: _Transaction) -> dict[str, Any] | None:
        if tx.kind == "okta_verify_push" and self.settings.number_challenge is not None:
            return {"correctAnswer": self.settings.number_challenge}
        if tx.kind == "webauthn":
            return {"challengeData": {"challenge": secrets.token_urlsafe(16)}}
        return None


def _passcode(body: dict[str, Any]) -> str | None:
    credentials = body.get("credentials")
    code = credentials.get("passcode") if isinstance(credentials, dict) else None
    return code if isinstance(code, str) else None


def _listed(entry: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    return None if entry is None else [entry]


def _answer(payload: dict[str, Any], status: int = 200) -> Response:
    response = Response.json(payload, status)
    return Response(response.status, response.body, idx.IDX_TYPE, response.headers)
