"""Entra ID's second factor (the ``ConvergedTFA`` page): BeginAuth, EndAuth, ProcessAuth.

BeginAuth starts the method (sends the push, the text message, places the call) and,
for an Authenticator push with number matching, returns the number to type in the
app (``Entropy``). EndAuth is then polled until the person approves, or called with
the code typed. Each answer carries the next flow token and context. ProcessAuth posts
the result back as a form and Entra answers with the next page.

A code is asked once per attempt and never again for the same attempt (re-asking on
every poll is the most reported bug of the peer that does this): only a rejected code
asks for a new one, at most MAX_CODE_ATTEMPTS times.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsprocesscreds.answers import text
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.authenticators.entra_api import EntraClient
from awsprocesscreds.authenticators.entra_errors import error_for
from awsprocesscreds.authenticators.entra_pages import Config, Proof
from awsprocesscreds.errors import IdpResponseError, MfaError
from awsprocesscreds.forms import Page
from awsprocesscreds.interaction import (
    MAX_CODE_ATTEMPTS,
    MFA_CODE,
    SENT_CODE,
    Flow,
    Notify,
    Prompt,
    Wait,
    polls_within,
)
from awsprocesscreds.logs import logger

log = logger(__name__)

#: ``--mfa-factor`` -> the Entra methods (``authMethodId``) it stands for.
FACTOR_METHODS: dict[str, tuple[str, ...]] = {
    "push": ("PhoneAppNotification",),
    "call": ("TwoWayVoiceMobile", "TwoWayVoiceAlternateMobile", "TwoWayVoiceOffice"),
    "totp": ("PhoneAppOTP",),
    "sms": ("OneWaySMS",),
    "token": ("HardwareOTP",),
}
_FACTOR_OF = {method: factor for factor, methods in FACTOR_METHODS.items() for method in methods}
#: Methods approved elsewhere (the app, the phone call) and so polled.
_POLLED = frozenset(FACTOR_METHODS["push"] + FACTOR_METHODS["call"])
#: EndAuth results that mean "this code was wrong, ask for another".
_WRONG_CODE = frozenset({"OathCodeIncorrect", "SMSAuthFailedWrongCodeEntered", "InvalidCode"})
_PENDING = "AuthenticationPending"
_CODE_LABELS = {
    "PhoneAppOTP": "Code from Microsoft Authenticator: ",
    "OneWaySMS": "Code from the text message: ",
    "HardwareOTP": "Code from your hardware token: ",
}
#: Why a method failed, by EndAuth's ResultValue.
_FAILURES = {
    "PhoneAppDenied": "the sign-in was denied in Microsoft Authenticator",
    "PhoneAppNoResponse": "Microsoft Authenticator did not answer in time; try again",
    "PhoneAppOtpAuthFailedDuplicateCodeEntered": (
        "that code was already used; wait for the next one and run again"
    ),
    "UserVoiceAuthFailedPhoneHungUp": "the call ended before it was approved with #",
    "UserVoiceAuthFailedPhoneUnreachable": "the phone could not be reached",
}


@dataclass
class _Exchange:
    """Where the BeginAuth/EndAuth conversation stands: the tokens of the last answer."""

    method: str
    flow_token: str
    ctx: str
    session_id: str
    polls: int = 0

    def payload(self, code: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "AuthMethodId": self.method,
            "Method": "EndAuth",
            "Ctx": self.ctx,
            "FlowToken": self.flow_token,
            "SessionId": self.session_id,
            "PollCount": self.polls,
        }
        if code is not None:
            body["AdditionalAuthData"] = code
        return body

    def advance(self, answer: Mapping[str, Any]) -> None:
        self.flow_token = text(answer.get("FlowToken")) or self.flow_token
        self.ctx = text(answer.get("Ctx")) or self.ctx
        self.session_id = text(answer.get("SessionId")) or self.session_id


def choose_proof(proofs: list[Proof], factor: str | None) -> Proof:
    """The method to use: the one ``--mfa-factor`` names, else the user's default
    (``isDefault``), else the first one we can drive. Raises MfaError naming what the
    user has when none fits."""
    usable = [proof for proof in proofs if proof.method in _FACTOR_OF]
    if factor is not None:
        wanted = FACTOR_METHODS.get(factor, ())
        match = next((proof for proof in usable if proof.method in wanted), None)
        if match is None:
            have = sorted({_FACTOR_OF[proof.method] for proof in usable})
            raise MfaError(
                f"--mfa-factor {factor} is not one of your Entra ID sign-in methods; "
                + (f"you have: {', '.join(have)}" if have else "none of yours works here")
            )
        return match
    default = next((proof for proof in usable if proof.is_default), None)
    if default is not None:
        return default
    if usable:
        return usable[0]
    listed = ", ".join(proof.method for proof in proofs) or "none"
    raise MfaError(
        f"Entra ID offers no second factor this tool can use from a terminal ({listed}); "
        "add the Authenticator app, a phone or a code method at https://aka.ms/mfasetup"
    )


def second_factor(client: EntraClient, config: Config, context: LoginContext) -> Flow[Page]:
    """Run the second factor of the ``ConvergedTFA`` page ``config``; return the page
    Entra answers ProcessAuth with. Raises MfaError or IdpResponseError."""
    proof = choose_proof(config.proofs(), context.mfa_factor)
    log.debug("second factor: %s", proof.method)
    begin_url, end_url, process_url = (
        config.url("urlBeginAuth"),
        config.url("urlEndAuth"),
        config.url("urlPost"),
    )
    flow_token, ctx = config.text("sFT"), config.text("sCtx")
    if not (begin_url and end_url and process_url and flow_token and ctx):
        raise IdpResponseError("Entra ID's second-factor page lacks the addresses it needs")
    begin = client.call(
        begin_url,
        {"AuthMethodId": proof.method, "Method": "BeginAuth", "Ctx": ctx, "FlowToken": flow_token},
        config,
    )
    if begin.get("Success") is not True:
        raise _failure(begin, proof, context)
    exchange = _Exchange(proof.method, flow_token, ctx, text(begin.get("SessionId")) or "")
    exchange.advance(begin)
    factor = _Factor(client, config, context, proof, end_url, exchange)
    if proof.method in _POLLED:
        yield Notify(*_approval_message(proof, text(begin.get("Entropy"))))
        yield from factor.poll()
    else:
        yield from factor.codes()
    return client.post_form(
        process_url,
        {
            config.flow_token_name: exchange.flow_token,
            "request": exchange.ctx,
            "mfaAuthMethod": proof.method,
            "login": config.text("sPOST_Username") or context.username,
            "canary": config.text("canary") or "",
            "hpgrequestid": config.text("sessionId") or "",
        },
    )


def _approval_message(proof: Proof, entropy: str | None) -> tuple[str, str | None]:
    if proof.method not in FACTOR_METHODS["push"]:
        where = f" ({proof.display})" if proof.display else ""
        return f"Entra ID is calling your phone{where}: answer, then press # to approve.", None
    if entropy and entropy != "0":
        return "In Microsoft Authenticator, approve the sign-in by typing this number:", entropy
    return "Approve the sign-in in Microsoft Authenticator on your phone.", None


@dataclass
class _Factor:
    """EndAuth for one method: polled until approved, or called with typed codes."""

    client: EntraClient
    config: Config
    context: LoginContext
    proof: Proof
    end_url: str
    exchange: _Exchange

    @property
    def interval(self) -> float:
        return self.config.poll_interval(self.proof.method)

    def end_auth(self, code: str | None = None) -> Mapping[str, Any]:
        self.exchange.polls += 1
        answer = self.client.call(self.end_url, self.exchange.payload(code), self.config)
        self.exchange.advance(answer)
        return answer

    def poll(self) -> Flow[None]:
        """Wait for the approval; raises MfaError on a refusal or at --mfa-timeout."""
        timeout = self.context.mfa_timeout
        deadline = self.context.monotonic() + timeout
        for _ in range(polls_within(timeout, self.interval)):
            yield Wait(self.interval)
            answer = self.end_auth()
            if answer.get("Success") is True:
                return
            if not _pending(answer):
                raise _failure(answer, self.proof, self.context)
            if self.context.monotonic() >= deadline:
                break
        raise MfaError(
            f"the {_FACTOR_OF.get(self.proof.method, 'second factor')} approval did not "
            f"arrive within {timeout:g} s; try again, or raise --mfa-timeout"
        )

    def codes(self) -> Flow[None]:
        """Ask for a code, once per attempt; raises MfaError after MAX_CODE_ATTEMPTS
        rejected codes or on any other failure."""
        proof = self.proof
        sent = proof.method in FACTOR_METHODS["sms"]
        if sent:
            where = f" to {proof.display}" if proof.display else ""
            yield Notify(f"Entra ID sent a code by text message{where}.")
        label = _CODE_LABELS.get(proof.method, "Verification code: ")
        kind = SENT_CODE if sent else MFA_CODE
        for attempt in range(1, MAX_CODE_ATTEMPTS + 1):
            code = yield Prompt(label, kind=kind, secret=False, attempt=attempt)
            answer: Mapping[str, Any] = {}
            # One code per attempt: a "pending" answer is polled with the same code.
            for _ in range(polls_within(self.context.mfa_timeout, self.interval)):
                answer = self.end_auth(str(code).strip())
                if not _pending(answer):
                    break
                yield Wait(self.interval)
            if answer.get("Success") is True:
                return
            if text(answer.get("ResultValue")) not in _WRONG_CODE:
                raise _failure(answer, proof, self.context)
            if attempt < MAX_CODE_ATTEMPTS:
                yield Notify("That code was not accepted; try again.")
        raise MfaError(f"Entra ID refused the code {MAX_CODE_ATTEMPTS} times; run again")


def _pending(answer: Mapping[str, Any]) -> bool:
    """True while Entra waits for the person: a named failure or a wrong code is an
    answer even when Entra also says ``Retry`` (the peer's re-prompt bug)."""
    result = text(answer.get("ResultValue"))
    if answer.get("Success") is True or result in _WRONG_CODE or result in _FAILURES:
        return False
    if _error_code(answer) is not None:
        return False
    return result == _PENDING or answer.get("Retry") is True


def _error_code(answer: Mapping[str, Any]) -> str | None:
    code = text(answer.get("ErrCode"))
    return None if code in (None, "0") else code


def _failure(answer: Mapping[str, Any], proof: Proof, context: LoginContext) -> Exception:
    result = text(answer.get("ResultValue")) or ""
    if result in _FAILURES:
        return MfaError(_FAILURES[result])
    code = _error_code(answer)
    if code is not None:
        return error_for(code, text(answer.get("Message")), user=context.username, entity_id="")
    detail = result or text(answer.get("Message")) or "no reason given"
    return MfaError(f"Entra ID's {proof.method} second factor failed: {detail}")
