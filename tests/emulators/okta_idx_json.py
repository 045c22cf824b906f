"""IDX documents of the Okta Identity Engine emulator, as pure functions.

Shapes follow the sign-in widget's IDX answers (`stateHandle`, `remediation` forms with
fields, context objects wrapped as `{"type": "object", "value": ...}`, `messages`);
the state machine in `okta_idx_flow.py` decides which document to serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

#: Content-Type of every IDX answer (and what the client sends).
IDX_TYPE = "application/ion+json; okta-version=1.0.0"
ACCEPTS = "application/json; okta-version=1.0.0"
#: (message, i18n key) of the refusals the emulator answers.
WRONG_PASSWORD = ("Authentication failed", "errors.E0000004")
LOCKED = ("Your account is locked. Please contact your administrator.", "errors.E0000119")
WRONG_CODE = ("Invalid code. Try again.", "api.authn.error.PASSCODE_INVALID")
REJECTED = ("You have chosen to reject this login.", "oie.okta_verify.push.rejected")
EXPIRED = ("The session has expired.", "idx.session.expired")
BAD_REQUEST = ("The request body was not well-formed.", "errors.E0000003")
BAD_STEP = ("The request is not valid in the current state.", "idx.invalid.remediation")

USER_ID = "00ub0oNGTSWTBKOLGLNR"
PASSWORD_ID = "autPassword0EXAMPLE1"
PASSWORD_ENROLLMENT = {
    "type": "password",
    "key": "okta_password",
    "id": "lae0pWdPasSwOrDEXMPL",
    "authenticatorId": PASSWORD_ID,
    "displayName": "Password",
    "methods": [{"type": "password"}],
}


@dataclass(frozen=True)
class AuthenticatorSpec:
    """One second-factor kind as IDX shows it: the authenticator, its method."""

    key: str  # okta_verify, google_otp, phone_number, okta_email, webauthn
    type: str  # app, phone, email, security_key
    method: str  # the methodType to select it with
    display: str
    id: str  # the authenticator id (kinds of one authenticator share it)
    profile: tuple[tuple[str, str], ...] = ()


AUTHENTICATORS: dict[str, AuthenticatorSpec] = {
    "okta_verify_push": AuthenticatorSpec(
        "okta_verify", "app", "push", "Okta Verify", "autOktaVerify0EXMPL1"
    ),
    "okta_verify_totp": AuthenticatorSpec(
        "okta_verify", "app", "totp", "Okta Verify", "autOktaVerify0EXMPL1"
    ),
    "fastpass": AuthenticatorSpec(
        "okta_verify", "app", "signed_nonce", "Okta Verify", "autOktaVerify0EXMPL1"
    ),
    # Okta names Google Authenticator's method "otp", not "totp".
    "google_otp": AuthenticatorSpec(
        "google_otp", "app", "otp", "Google Authenticator", "autGoogleOtp0EXMPL1"
    ),
    "sms": AuthenticatorSpec(
        "phone_number",
        "phone",
        "sms",
        "Phone",
        "autPhone0EXAMPLE001",
        (("phoneNumber", "+1 XXX-XXX-1234"),),
    ),
    "voice": AuthenticatorSpec(
        "phone_number",
        "phone",
        "voice",
        "Phone",
        "autPhone0EXAMPLE001",
        (("phoneNumber", "+1 XXX-XXX-1234"),),
    ),
    "email": AuthenticatorSpec(
        "okta_email",
        "email",
        "email",
        "Email",
        "autEmail0EXAMPLE001",
        (("email", "a...e@example.com"),),
    ),
    "webauthn": AuthenticatorSpec(
        "webauthn", "security_key", "webauthn", "Security Key or Biometric", "autWebAuthn0EXMPL1"
    ),
}
CODE_KINDS = ("okta_verify_totp", "google_otp", "sms", "voice", "email")


def okta_time(moment: float) -> str:
    """Okta's timestamp format for an epoch time, e.g. 2026-11-23T13:45:00.000Z."""
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def wrap(value: Any) -> dict[str, Any]:
    """A context object as IDX wraps it: `{"type": "object"|"array", "value": ...}`."""
    return {"type": "array" if isinstance(value, list) else "object", "value": value}


def message(text: str, key: str, level: str = "ERROR") -> dict[str, Any]:
    """One entry of a `messages` list."""
    return {"message": text, "i18n": {"key": key}, "class": level}


def field(name: str, **attributes: Any) -> dict[str, Any]:
    """A form field: `name` plus the given attributes (label, type, required, value,
    visible, mutable, secret, options, form, messages); None values are left out."""
    answer: dict[str, Any] = {"name": name}
    answer.update({key: value for key, value in attributes.items() if value is not None})
    return answer


def handle_field(handle: str) -> dict[str, Any]:
    return field("stateHandle", required=True, value=handle, visible=False, mutable=False)


def passcode_field(label: str, messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """`credentials` holding `passcode`; `messages` are field-level errors."""
    passcode = field(
        "passcode", label=label, secret=True, messages=wrap(messages) if messages else None
    )
    return field("credentials", type="object", required=True, form={"value": [passcode]})


def remediation(name: str, href: str, fields: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """One remediation form; `extra` adds keys such as `refresh` or `relatesTo`."""
    form: dict[str, Any] = {
        "rel": ["create-form"],
        "name": name,
        "href": href,
        "method": "POST",
        "accepts": ACCEPTS,
        "produces": IDX_TYPE,
        "value": fields,
    }
    form.update(extra)
    return form


def document(
    handle: str, expires: float, remediations: list[dict[str, Any]], **context: Any
) -> dict[str, Any]:
    """An IDX document; `context` holds already wrapped context objects (and
    `messages`, `success`...), None values left out."""
    answer: dict[str, Any] = {
        "version": "1.0.0",
        "stateHandle": handle,
        "expiresAt": okta_time(expires),
        "intent": "LOGIN",
    }
    if remediations:
        answer["remediation"] = wrap(remediations)
    answer.update({key: value for key, value in context.items() if value is not None})
    return answer


def enrollment(kinds: list[str], index: int) -> dict[str, Any]:
    """The authenticator (enrollment) object of the kinds sharing one authenticator."""
    spec = AUTHENTICATORS[kinds[0]]
    value: dict[str, Any] = {
        "type": spec.type,
        "key": spec.key,
        "id": f"lae{index:02d}{spec.id[3:]}"[:20],
        "authenticatorId": spec.id,
        "displayName": spec.display,
        "methods": [{"type": AUTHENTICATORS[kind].method} for kind in kinds],
    }
    if spec.profile:
        value["profile"] = dict(spec.profile)
    return value


def group(kinds: tuple[str, ...]) -> list[list[str]]:
    """The kinds grouped by authenticator, in order of first appearance."""
    groups: dict[str, list[str]] = {}
    for kind in kinds:
        groups.setdefault(AUTHENTICATORS[kind].id, []).append(kind)
    return list(groups.values())


def authenticator_lists(kinds: tuple[str, ...]) -> dict[str, Any]:
    """`authenticators` and `authenticatorEnrollments` context objects."""
    enrolled = [enrollment(g, i) for i, g in enumerate(group(kinds))]
    shown = ("type", "key", "displayName", "methods")
    listed = [
        {"id": e["authenticatorId"], **{key: e[key] for key in shown}}
        for e in [*enrolled, PASSWORD_ENROLLMENT]
    ]
    return {
        "authenticators": wrap(listed),
        "authenticatorEnrollments": wrap([*enrolled, PASSWORD_ENROLLMENT]),
    }


def select_remediation(base_url: str, kinds: tuple[str, ...]) -> dict[str, Any]:
    """`select-authenticator-authenticate`: one option per authenticator; an
    authenticator with several methods lists them as `methodType` options."""
    options = []
    for index, kinds_of_one in enumerate(group(kinds)):
        spec = AUTHENTICATORS[kinds_of_one[0]]
        methods = [AUTHENTICATORS[kind].method for kind in kinds_of_one]
        if len(methods) == 1:
            method = field("methodType", required=False, value=methods[0], mutable=False)
        else:
            labels = [{"label": m, "value": m} for m in methods]
            method = field("methodType", type="string", required=False, options=labels)
        subfields = [field("id", required=True, value=spec.id, mutable=False), method]
        options.append(
            {
                "label": spec.display,
                "value": {"form": {"value": subfields}},
                "relatesTo": f"$.authenticatorEnrollments.value[{index}]",
            }
        )
    chooser = field("authenticator", type="object", options=options)
    return remediation(
        "select-authenticator-authenticate", f"{base_url}/idp/idx/challenge", [chooser]
    )


def identify_remediation(base_url: str, handle: str, with_password: bool) -> dict[str, Any]:
    fields = [field("identifier", label="Username", required=True)]
    if with_password:
        fields.append(passcode_field("Password"))
    fields += [field("rememberMe", label="Keep me signed in", type="boolean"), handle_field(handle)]
    return remediation("identify", f"{base_url}/idp/idx/identify", fields)


def answer_remediation(
    base_url: str, handle: str, label: str, messages: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """`challenge-authenticator` asking `credentials.passcode`."""
    return remediation(
        "challenge-authenticator",
        f"{base_url}/idp/idx/challenge/answer",
        [passcode_field(label, messages), handle_field(handle)],
        relatesTo=["$.currentAuthenticatorEnrollment"],
    )


def poll_remediation(base_url: str, handle: str, refresh_ms: int) -> dict[str, Any]:
    return remediation(
        "challenge-poll",
        f"{base_url}/idp/idx/challenge/poll",
        [handle_field(handle)],
        refresh=refresh_ms,
        relatesTo=["$.currentAuthenticator"],
    )


def current(kind: str, contextual: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `currentAuthenticator(Enrollment)` value of a challenge of `kind`."""
    value = enrollment([kind], 0)
    if contextual is not None:
        value["contextualData"] = contextual
    return wrap(value)


def app_context(app_id: str) -> dict[str, Any]:
    return wrap({"name": "amazon_aws", "label": "AWS Account Federation", "id": app_id})


def user_context(user: str) -> dict[str, Any]:
    return wrap({"id": USER_ID, "identifier": user})


def cancel_form(base_url: str, handle: str) -> dict[str, Any]:
    return remediation("cancel", f"{base_url}/idp/idx/cancel", [handle_field(handle)])


def success_object(href: str) -> dict[str, Any]:
    """The top-level `success` of a finished transaction."""
    return {"rel": ["create-form"], "name": "success-redirect", "href": href, "method": "GET"}


def terminal_error(text: str, key: str) -> dict[str, Any]:
    """An error document with no state left to continue (expired or unknown handle)."""
    return {"version": "1.0.0", "messages": wrap([message(text, key)])}
