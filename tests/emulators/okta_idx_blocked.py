"""IDX remediations a terminal cannot perform, as pure functions: enrolling a factor,
signing in at another IdP, a CAPTCHA, Okta FastPass (the Okta Verify desktop app).

The emulator's `unperformable` option serves one of `KINDS` right after identify;
choosing FastPass (methodType `signed_nonce`) serves "fastpass".
"""

from __future__ import annotations

from typing import Any

from tests.emulators import okta_idx_json as idx

KINDS = ("enroll", "redirect-idp", "captcha")
IDP_ID = "0oaIdPEXAMPLE000001"


def forms(
    kind: str, base: str, handle: str, refresh_ms: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(remediations, context objects) of the document for `kind` (one of `KINDS` or
    "fastpass"). Raises ValueError on another kind."""
    state = [idx.handle_field(handle)]
    if kind == "fastpass":
        launch = idx.remediation(
            "launch-authenticator", f"{base}/idp/idx/authenticators/okta-verify/launch", state
        )
        poll = idx.remediation(
            "device-challenge-poll",
            f"{base}/idp/idx/authenticators/poll",
            state,
            refresh=refresh_ms,
        )
        return [launch, poll], {"currentAuthenticator": idx.current("fastpass")}
    if kind == "enroll":
        chooser = idx.select_remediation(base, ("okta_verify_push",))["value"][0]
        form = idx.remediation(
            "select-authenticator-enroll", f"{base}/idp/idx/credential/enroll", [chooser, *state]
        )
        return [form], {}
    if kind == "redirect-idp":
        form = idx.remediation(
            "redirect-idp",
            f"{base}/sso/idps/{IDP_ID}",
            [],
            method="GET",
            type="SAML2",
            idp={"id": IDP_ID, "name": "Corporate IdP"},
        )
        return [form], {}
    if kind == "captcha":
        captcha = idx.field("captchaVerify", form={"value": [idx.field("captchaToken")]})
        form = idx.identify_remediation(base, handle, False)
        form["value"].insert(1, captcha)
        site = {"id": "capEXAMPLE000000001", "name": "hCaptcha", "type": "HCAPTCHA"}
        return [form], {"captcha": idx.wrap(site | {"siteKey": "10000000-ffff"})}
    raise ValueError(f"not an unperformable kind: {kind!r}")
