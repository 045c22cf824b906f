"""Self-tests of the Okta Identity Engine emulator, driven with plain requests: every
IDX path (password, push, codes, refusals, unperformable steps), the Classic API's
OIE breakage and the device-authorization flow."""

from __future__ import annotations

import base64
import html
import re
import time
from http.cookiejar import Cookie
from typing import Any

import pytest
import requests

from tests.emulators import DEFAULT_ROLE, OktaEmulator, OktaIdxEmulator, TestTls
from tests.emulators.okta_idx_pages import js_escape
from tests.emulators.sessions import ManualClock

USER = "alice@example.com"
PASSWORD = "correct horse"
IDX = "application/ion+json; okta-version=1.0.0"
TOKEN_IN_PAGE = re.compile(r'"stateToken":"([^"]+)"')


def unescape_js(text: str) -> str:
    return re.sub(r"\\x([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def post(http: requests.Session, url: str, body: dict[str, Any]) -> requests.Response:
    headers = {"Accept": IDX, "Content-Type": IDX}
    return http.post(url, json=body, headers=headers, timeout=5)


def form(doc: dict[str, Any], name: str) -> dict[str, Any]:
    forms: dict[str, dict[str, Any]] = {f["name"]: f for f in doc["remediation"]["value"]}
    assert name in forms, sorted(forms)
    return forms[name]


def names(doc: dict[str, Any]) -> list[str]:
    return [f["name"] for f in doc.get("remediation", {}).get("value", [])]


def keys(doc: dict[str, Any]) -> list[str]:
    return [m["i18n"]["key"] for m in doc.get("messages", {}).get("value", [])]


def act(http: requests.Session, doc: dict[str, Any], name: str, **body: Any) -> requests.Response:
    return post(http, form(doc, name)["href"], {**body, "stateHandle": doc["stateHandle"]})


def introspect(http: requests.Session, idp: OktaIdxEmulator) -> dict[str, Any]:
    page = http.get(idp.app_url, timeout=5)
    assert page.url == f"{idp.url}{idp.sso_path}"
    match = TOKEN_IN_PAGE.search(page.text)
    assert match is not None, page.text
    answer = post(http, f"{idp.url}/idp/idx/introspect", {"stateToken": unescape_js(match[1])})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == IDX
    doc: dict[str, Any] = answer.json()
    return doc


def signed_in(http: requests.Session, idp: OktaIdxEmulator) -> dict[str, Any]:
    """Identify and answer the password: the document after the password."""
    doc = act(http, introspect(http, idp), "identify", identifier=USER).json()
    answer = act(http, doc, "challenge-authenticator", credentials={"passcode": PASSWORD})
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def assertion_in(page: requests.Response) -> str:
    """The decoded SAML assertion of an app page."""
    assert page.status_code == 200
    match = re.search(r'name="SAMLResponse" type="hidden" value="([^"]+)"', page.text)
    assert match is not None, page.text
    return base64.b64decode(html.unescape(match[1])).decode()


def saml_of(http: requests.Session, doc: dict[str, Any]) -> str:
    """Follow `success.href` to the app's SAML form: the decoded assertion."""
    return assertion_in(http.get(doc["success"]["href"], timeout=5))


def test_engine_detection_on_both_emulators(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls) as oie, OktaEmulator(tls) as classic:
        oie_org = http.get(f"{oie.url}/.well-known/okta-organization", timeout=5).json()
        classic_org = http.get(f"{classic.url}/.well-known/okta-organization", timeout=5).json()
        assert (oie_org["pipeline"], classic_org["pipeline"]) == ("idx", "v1")
        assert oie_org["_links"]["organization"]["href"] == oie.url
        assert (oie.well_known_gets, classic.well_known_gets) == (1, 1)
    with OktaEmulator(tls, well_known=False) as classic:
        missing = http.get(f"{classic.url}/.well-known/okta-organization", timeout=5)
        assert missing.status_code == 404
        assert classic.well_known_gets == 0


def test_sign_in_page_holds_a_fresh_escaped_state_token(
    http: requests.Session, tls: TestTls
) -> None:
    with OktaIdxEmulator(tls) as idp:
        first, second = (http.get(idp.app_url, timeout=5) for _ in range(2))
        assert "<title>Example Org - Sign In</title>" in first.text
        assert "var oktaData = {" in first.text
        raw = [TOKEN_IN_PAGE.findall(page.text) for page in (first, second)]
        assert all(len(tokens) == 1 and "\\x2D" in tokens[0] for tokens in raw)
        assert raw[0] != raw[1]
        token = unescape_js(raw[0][0])
        assert "-" in token
        assert "\\" not in token
        doc = post(http, f"{idp.url}/idp/idx/introspect", {"stateToken": token}).json()
        assert doc["version"] == "1.0.0"
        assert doc["intent"] == "LOGIN"
        assert names(doc) == ["identify", "cancel"]
        fields = [f["name"] for f in form(doc, "identify")["value"]]
        assert fields == ["identifier", "rememberMe", "stateHandle"]
        # The same token again: where that sign-in stands, not a new one.
        again = post(http, f"{idp.url}/idp/idx/introspect", {"stateToken": token}).json()
        assert again["stateHandle"] == doc["stateHandle"]
        act(http, doc, "identify", identifier=USER)
        now = post(http, f"{idp.url}/idp/idx/introspect", {"stateToken": token}).json()
        assert names(now) == ["challenge-authenticator", "cancel"]
        unknown = post(http, f"{idp.url}/idp/idx/introspect", {"stateToken": "00nope"})
        assert (unknown.status_code, keys(unknown.json())) == (401, ["idx.session.expired"])
        assert idp.introspects == 4


def test_js_escape_writes_every_dash_as_x2d() -> None:
    assert js_escape("00a-b_c") == "00a\\x2Db_c"
    assert js_escape("https://h") == "https\\x3A\\x2F\\x2Fh"


def test_password_only_then_the_session_cookie(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls) as idp:
        doc = act(http, introspect(http, idp), "identify", identifier=USER).json()
        assert names(doc) == ["challenge-authenticator", "cancel"]
        enrollment = doc["currentAuthenticatorEnrollment"]["value"]
        assert (enrollment["type"], enrollment["key"]) == ("password", "okta_password")
        answer = act(http, doc, "challenge-authenticator", credentials={"passcode": PASSWORD})
        success = answer.json()["success"]
        short = answer.json()["stateHandle"].partition("~")[0]
        assert success["name"] == "success-redirect"
        assert success["href"] == f"{idp.url}/login/token/redirect?stateToken={short}"
        assert DEFAULT_ROLE[0] in saml_of(http, answer.json())
        again = http.get(success["href"], timeout=5, allow_redirects=False)
        assert again.status_code == 403  # single use
        assert "SAMLResponse" in http.get(idp.app_url, timeout=5).text  # the sid cookie
        assert (idp.logins, idp.introspects, idp.identifies, idp.password_answers) == (2, 1, 1, 1)


def test_password_in_identify_signs_in_with_one_call(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls, password_in_identify=True) as idp:
        doc = introspect(http, idp)
        fields = [f["name"] for f in form(doc, "identify")["value"]]
        assert fields == ["identifier", "credentials", "rememberMe", "stateHandle"]
        wrong = act(http, doc, "identify", identifier=USER, credentials={"passcode": "nope"})
        assert (wrong.status_code, keys(wrong.json())) == (400, ["errors.E0000004"])
        right = act(http, doc, "identify", identifier=USER, credentials={"passcode": PASSWORD})
        assert "success" in right.json()
        assert (idp.identifies, idp.password_answers) == (2, 2)


def test_wrong_password_then_right(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls) as idp:
        doc = act(http, introspect(http, idp), "identify", identifier=USER).json()
        wrong = act(http, doc, "challenge-authenticator", credentials={"passcode": "nope"})
        assert wrong.status_code == 400
        assert wrong.json()["messages"]["value"][0]["message"] == "Authentication failed"
        assert keys(wrong.json()) == ["errors.E0000004"]
        assert "challenge-authenticator" in names(wrong.json())
        right = act(http, doc, "challenge-authenticator", credentials={"passcode": PASSWORD})
        assert "success" in right.json()


@pytest.mark.parametrize("in_identify", [False, True])
def test_locked_user(http: requests.Session, tls: TestTls, in_identify: bool) -> None:
    locked = {USER: "LOCKED_OUT"}
    with OktaIdxEmulator(tls, user_status=locked, password_in_identify=in_identify) as idp:
        doc = introspect(http, idp)
        answer = act(http, doc, "identify", identifier=USER, credentials={"passcode": PASSWORD})
        if not in_identify:
            answer = act(
                http, answer.json(), "challenge-authenticator", credentials={"passcode": PASSWORD}
            )
        assert (answer.status_code, keys(answer.json())) == (403, ["errors.E0000119"])
        assert "locked" in answer.json()["messages"]["value"][0]["message"]


def test_push_with_number_challenge_approves_after_pending_polls(
    http: requests.Session, tls: TestTls
) -> None:
    with OktaIdxEmulator(
        tls, authenticators=["okta_verify_push"], number_challenge=42, poll_refresh_ms=250
    ) as idp:
        doc = signed_in(http, idp)
        assert names(doc) == ["challenge-poll", "cancel"]
        assert form(doc, "challenge-poll")["refresh"] == 250
        pushed = doc["currentAuthenticator"]["value"]
        assert (pushed["key"], pushed["methods"]) == ("okta_verify", [{"type": "push"}])
        assert pushed["contextualData"]["correctAnswer"] == 42
        answers = [act(http, doc, "challenge-poll").json() for _ in range(3)]
        assert ["success" in a for a in answers] == [False, False, True]
        assert DEFAULT_ROLE[0] in saml_of(http, answers[2])
        assert (idp.polls, idp.challenges, idp.challenges_sent) == (3, 0, ["push"])


def test_rejected_push_offers_the_authenticators_again(
    http: requests.Session, tls: TestTls
) -> None:
    with OktaIdxEmulator(
        tls, authenticators=["okta_verify_push"], push_outcome="reject", push_approve_after=0
    ) as idp:
        doc = signed_in(http, idp)
        assert "contextualData" not in doc["currentAuthenticator"]["value"]
        rejected = act(http, doc, "challenge-poll")
        assert rejected.status_code == 403
        assert keys(rejected.json()) == ["oie.okta_verify.push.rejected"]
        assert names(rejected.json()) == ["select-authenticator-authenticate", "cancel"]
        again = act(
            http,
            rejected.json(),
            "select-authenticator-authenticate",
            authenticator={"id": "autOktaVerify0EXMPL1", "methodType": "push"},
        )
        assert names(again.json())[0] == "challenge-poll"
        assert idp.challenges_sent == ["push", "push"]


def test_select_then_a_wrong_code_then_the_right_one(http: requests.Session, tls: TestTls) -> None:
    kinds = ["okta_verify_push", "okta_verify_totp", "sms"]
    with OktaIdxEmulator(tls, authenticators=kinds, otp_code="654321") as idp:
        doc = signed_in(http, idp)
        assert names(doc) == ["select-authenticator-authenticate", "cancel"]
        (chooser,) = form(doc, "select-authenticator-authenticate")["value"]
        options = {o["label"]: o["value"]["form"]["value"] for o in chooser["options"]}
        assert list(options) == ["Okta Verify", "Phone"]
        verify_methods = [o["value"] for o in options["Okta Verify"][1]["options"]]
        assert verify_methods == ["push", "totp"]
        assert options["Phone"][1]["value"] == "sms"
        phone_id = options["Phone"][0]["value"]
        body = {"authenticator": {"id": phone_id, "methodType": "sms"}}
        code = act(http, doc, "select-authenticator-authenticate", **body).json()
        # Okta offers to "verify with something else" next to the code form.
        assert names(code) == [
            "challenge-authenticator",
            "select-authenticator-authenticate",
            "cancel",
        ]
        phone = code["currentAuthenticatorEnrollment"]["value"]
        assert (phone["type"], phone["key"], phone["methods"]) == (
            "phone",
            "phone_number",
            [{"type": "sms"}],
        )
        wrong = act(http, code, "challenge-authenticator", credentials={"passcode": "1"})
        assert wrong.status_code == 400
        (credentials, _) = form(wrong.json(), "challenge-authenticator")["value"]
        (passcode,) = credentials["form"]["value"]
        assert [m["i18n"]["key"] for m in passcode["messages"]["value"]] == [
            "api.authn.error.PASSCODE_INVALID"
        ]
        right = act(http, code, "challenge-authenticator", credentials={"passcode": "654321"})
        assert "success" in right.json()
        assert (idp.challenges, idp.code_answers, idp.challenges_sent) == (1, 2, ["sms"])


@pytest.mark.parametrize(
    ("kind", "key", "kind_type", "method"),
    [
        ("okta_verify_totp", "okta_verify", "app", "totp"),
        ("google_otp", "google_otp", "app", "otp"),
        ("voice", "phone_number", "phone", "voice"),
        ("email", "okta_email", "email", "email"),
    ],
)
def test_a_lone_code_authenticator_is_challenged_unasked(
    http: requests.Session, tls: TestTls, kind: str, key: str, kind_type: str, method: str
) -> None:
    with OktaIdxEmulator(tls, authenticators=[kind]) as idp:
        doc = signed_in(http, idp)
        assert names(doc) == ["challenge-authenticator", "cancel"]
        current = doc["currentAuthenticatorEnrollment"]["value"]
        assert (current["key"], current["type"], current["methods"]) == (
            key,
            kind_type,
            [{"type": method}],
        )
        right = act(http, doc, "challenge-authenticator", credentials={"passcode": "123456"})
        assert "success" in right.json()
        assert idp.challenges_sent == [method]


def test_a_wrong_method_is_refused(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls, authenticators=["google_otp", "email"]) as idp:
        doc = signed_in(http, idp)
        body = {"authenticator": {"id": "autGoogleOtp0EXMPL1", "methodType": "totp"}}
        refused = act(http, doc, "select-authenticator-authenticate", **body)
        assert refused.status_code == 400
        body = {"authenticator": {"id": "autGoogleOtp0EXMPL1"}}  # one method: id alone
        assert names(act(http, doc, "select-authenticator-authenticate", **body).json())[0] == (
            "challenge-authenticator"
        )
        assert idp.challenges_sent == ["otp"]


@pytest.mark.parametrize(
    ("kind", "method", "next_forms"),
    [
        ("fastpass", "signed_nonce", ["launch-authenticator", "device-challenge-poll", "cancel"]),
        ("webauthn", "webauthn", ["challenge-authenticator", "cancel"]),
    ],
)
def test_fastpass_or_webauthn_alone(
    http: requests.Session, tls: TestTls, kind: str, method: str, next_forms: list[str]
) -> None:
    with OktaIdxEmulator(tls, authenticators=[kind]) as idp:
        doc = signed_in(http, idp)
        (chooser,) = form(doc, "select-authenticator-authenticate")["value"]
        offered = [o["value"]["form"]["value"] for o in chooser["options"]]
        assert [fields[1]["value"] for fields in offered] == [method]
        body = {"authenticator": {"id": offered[0][0]["value"], "methodType": method}}
        chosen = act(http, doc, "select-authenticator-authenticate", **body).json()
        assert names(chosen) == next_forms
        if kind == "webauthn":
            current = chosen["currentAuthenticatorEnrollment"]["value"]
            assert current["type"] == "security_key"
            assert "challenge" in current["contextualData"]["challengeData"]
        assert idp.logins == 0


@pytest.mark.parametrize(
    ("unperformable", "expected"),
    [
        ("enroll", "select-authenticator-enroll"),
        ("redirect-idp", "redirect-idp"),
        ("captcha", "identify"),
    ],
)
def test_unperformable_remediations_after_identify(
    http: requests.Session, tls: TestTls, unperformable: str, expected: str
) -> None:
    with OktaIdxEmulator(tls, unperformable=unperformable) as idp:
        doc = act(http, introspect(http, idp), "identify", identifier=USER).json()
        assert names(doc) == [expected, "cancel"]
        if unperformable == "redirect-idp":
            assert form(doc, "redirect-idp")["idp"]["name"] == "Corporate IdP"
        if unperformable == "captcha":
            assert doc["captcha"]["value"]["type"] == "HCAPTCHA"
        assert idp.password_answers == 0


def test_state_handle_expires_after_n_calls(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls, expire_after=2) as idp:
        doc = introspect(http, idp)  # call 1
        password = act(http, doc, "identify", identifier=USER).json()  # call 2
        expired = act(http, password, "challenge-authenticator", credentials={"passcode": PASSWORD})
        assert (expired.status_code, keys(expired.json())) == (401, ["idx.session.expired"])
        assert expired.json()["messages"]["value"][0]["message"] == "The session has expired."
        unknown = post(http, f"{idp.url}/idp/idx/identify", {"stateHandle": "02nope"})
        assert unknown.status_code == 401
        assert idp.password_answers == 0


def test_idx_wants_json(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls) as idp:
        refused = http.post(f"{idp.url}/idp/idx/introspect", data="stateToken=x", timeout=5)
        assert refused.status_code == 415
        garbled = http.post(
            f"{idp.url}/idp/idx/introspect",
            data="{",
            headers={"Content-Type": IDX},
            timeout=5,
        )
        assert (garbled.status_code, keys(garbled.json())) == (400, ["errors.E0000003"])


@pytest.mark.parametrize(("kinds", "saml"), [([], True), (["okta_verify_push"], False)])
def test_classic_authn_on_identity_engine(
    http: requests.Session, tls: TestTls, kinds: list[str], saml: bool
) -> None:
    """The Classic API still gives a session, which the app accepts only when its
    policy asks nothing more: else the app link answers the sign-in page again."""
    with OktaIdxEmulator(tls, authenticators=kinds) as idp:
        body = {"username": USER, "password": PASSWORD}
        token = http.post(f"{idp.url}/api/v1/authn", json=body, timeout=5).json()["sessionToken"]
        params = {"token": token, "redirectUrl": idp.app_url}
        page = http.get(f"{idp.url}/login/sessionCookieRedirect", params=params, timeout=5)
        assert ("SAMLResponse" in page.text) is saml
        assert ("stateToken" in page.text) is not saml
        assert (idp.authn_calls, idp.logins) == (1, int(saml))


CLIENT = "0oaDEVICECLIENTEXAMPLE"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def authorize(http: requests.Session, idp: OktaIdxEmulator) -> dict[str, Any]:
    form = {"client_id": CLIENT, "scope": "openid okta.apps.sso"}
    answer = http.post(f"{idp.url}/oauth2/v1/device/authorize", data=form, timeout=5)
    assert answer.status_code == 200
    device: dict[str, Any] = answer.json()
    return device


def poll(http: requests.Session, idp: OktaIdxEmulator, device: dict[str, Any]) -> requests.Response:
    form = {"client_id": CLIENT, "device_code": device["device_code"], "grant_type": DEVICE_GRANT}
    return http.post(f"{idp.url}/oauth2/v1/token", data=form, timeout=5)


def exchange(
    http: requests.Session, idp: OktaIdxEmulator, tokens: dict[str, Any], **changes: str
) -> requests.Response:
    form = {
        "client_id": CLIENT,
        "actor_token": tokens["access_token"],
        "actor_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "subject_token": tokens["id_token"],
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "requested_token_type": "urn:okta:oauth:token-type:web_sso_token",
        "audience": f"urn:okta:apps:{idp.app_id}",
        **changes,
    }
    return http.post(f"{idp.url}/oauth2/v1/token", data=form, timeout=5)


def error_of(answer: requests.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]


def test_device_flow_approved_then_web_sso(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls, slow_down_once=True) as idp:
        assert idp.app_id == "0oa1b2c3d4EXAMPLE"
        device = authorize(http, idp)
        assert device["interval"] == 1
        assert device["expires_in"] > 0
        assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", device["user_code"])
        assert device["verification_uri"] == f"{idp.url}/activate"
        assert device["verification_uri_complete"].endswith(f"?user_code={device['user_code']}")
        assert "Activate" in http.get(device["verification_uri_complete"], timeout=5).text
        assert error_of(poll(http, idp, device)) == (400, "slow_down")
        assert error_of(poll(http, idp, device)) == (400, "authorization_pending")
        assert http.get(idp.approve_url(device["user_code"]), timeout=5).status_code == 200
        tokens = poll(http, idp, device).json()
        assert tokens["token_type"] == "Bearer"
        assert tokens["scope"] == "openid okta.apps.sso"
        assert error_of(poll(http, idp, device)) == (400, "invalid_grant")  # used
        wrong_audience = exchange(http, idp, tokens, audience="urn:okta:apps:0oaOTHER")
        assert error_of(wrong_audience) == (400, "invalid_target")
        web_sso = exchange(http, idp, tokens).json()
        assert web_sso["issued_token_type"] == "urn:okta:oauth:token-type:web_sso_token"
        sso = f"{idp.url}/login/token/sso"
        page = http.post(sso, data={"token": web_sso["access_token"]}, timeout=5)
        assert DEFAULT_ROLE[0] in assertion_in(page)
        reused = http.post(sso, data={"token": web_sso["access_token"]}, timeout=5)
        assert reused.status_code == 403
        assert (idp.device_authorizations, idp.token_polls, idp.token_exchanges) == (1, 4, 2)
        assert (idp.sso_posts, idp.logins, idp.sign_ins) == (2, 1, 1)
        # The web SSO token made a browser session: the app link needs no sign-in now.
        assert DEFAULT_ROLE[0] in assertion_in(http.get(idp.app_url, timeout=5))
        assert (idp.logins, idp.sign_ins, idp.session_reuses) == (2, 1, 1)


@pytest.mark.parametrize(
    ("outcome", "deny", "error"),
    [
        ("approve", True, "access_denied"),
        ("deny", False, "access_denied"),
        ("expire", False, "expired_token"),
    ],
)
def test_device_flow_refused(
    http: requests.Session, tls: TestTls, outcome: str, deny: bool, error: str
) -> None:
    with OktaIdxEmulator(tls, device_outcome=outcome) as idp:
        device = authorize(http, idp)
        url = idp.deny_url if deny else idp.approve_url
        assert http.get(url(device["user_code"]), timeout=5).status_code == 200
        assert error_of(poll(http, idp, device)) == (400, error)
        assert http.get(url(device["user_code"]), timeout=5).status_code == 404


def test_device_flow_unknown_client_and_assurance(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls, client_id="0oaSOMEOTHERCLIENT", assurance_met=False) as idp:
        refused = http.post(
            f"{idp.url}/oauth2/v1/device/authorize",
            data={"client_id": CLIENT, "scope": "openid okta.apps.sso"},
            timeout=5,
        )
        assert error_of(refused) == (401, "invalid_client")
    with OktaIdxEmulator(tls, assurance_met=False) as idp:
        device = authorize(http, idp)
        http.get(idp.approve_url(device["user_code"]), timeout=5)
        answer = exchange(http, idp, poll(http, idp, device).json())
        assert error_of(answer) == (400, "invalid_grant")
        assert "assurance requirements are not met" in answer.json()["error_description"]


@pytest.mark.parametrize(
    "option",
    [
        {"authenticators": ["okta_verify"]},
        {"push_outcome": "timeout"},
        {"unperformable": "duo"},
        {"user_status": {USER: "PASSWORD_EXPIRED"}},
        {"device_outcome": "maybe"},
        {"app_path": "/app/amazon_aws/x"},
    ],
)
def test_unknown_options_are_refused(tls: TestTls, option: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(option))):
        OktaIdxEmulator(tls, **option)


def test_push_never_answered_stays_pending_and_cancel_ends_it(
    http: requests.Session, tls: TestTls
) -> None:
    with OktaIdxEmulator(tls, authenticators=["okta_verify_push"], push_outcome="never") as idp:
        doc = signed_in(http, idp)
        answers = [act(http, doc, "challenge-poll") for _ in range(5)]
        assert {(a.status_code, names(a.json())[0]) for a in answers} == {(200, "challenge-poll")}
        assert act(http, doc, "cancel").status_code == 200
        after = act(http, doc, "challenge-poll")
        assert (after.status_code, keys(after.json())) == (401, ["idx.session.expired"])
        assert (idp.polls, idp.logins) == (5, 0)


# -- IdP sessions: the sid cookie signs in again without a password --------------------------


def sid_of(http: requests.Session) -> Cookie:
    (found,) = [cookie for cookie in http.cookies if cookie.name == "sid"]
    return found


def test_sid_answers_the_app_link_until_revoked(http: requests.Session, tls: TestTls) -> None:
    with OktaIdxEmulator(tls) as idp:
        doc = act(http, introspect(http, idp), "identify", identifier=USER).json()
        wrong = act(http, doc, "challenge-authenticator", credentials={"passcode": "nope"})
        assert wrong.status_code == 400
        began = time.time()
        assert DEFAULT_ROLE[0] in saml_of(http, signed_in(http, idp))
        sid = sid_of(http)
        assert (sid.path, sid.secure, sid.has_nonstandard_attr("HttpOnly")) == ("/", True, True)
        assert sid.expires is not None
        assert int(began) + 7200 <= sid.expires <= time.time() + 7200
        me = http.get(f"{idp.url}/api/v1/sessions/me", timeout=5).json()
        assert (me["id"], me["login"], me["status"]) == (sid.value, USER, "ACTIVE")
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 0, 1)
        assert DEFAULT_ROLE[0] in assertion_in(http.get(idp.app_url, timeout=5))
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)
        assert (idp.introspects, idp.password_answers) == (2, 2)
        idp.revoke_sessions()
        page = http.get(idp.app_url, timeout=5)
        assert TOKEN_IN_PAGE.search(page.text) is not None  # the sign-in page
        gone = http.get(f"{idp.url}/api/v1/sessions/me", timeout=5)
        assert (gone.status_code, gone.json()["errorCode"]) == (404, "E0000007")
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)


def test_sid_that_passed_the_app_policy_keeps_passing_until_it_expires(
    http: requests.Session, tls: TestTls
) -> None:
    clock = ManualClock()
    with OktaIdxEmulator(
        tls,
        authenticators=["okta_verify_push"],
        push_approve_after=0,
        session_lifetime=900,
        clock=clock,
    ) as idp:
        doc = signed_in(http, idp)
        assert idp.sign_ins == 0  # the push is still due
        approved = act(http, doc, "challenge-poll").json()
        assert DEFAULT_ROLE[0] in saml_of(http, approved)
        assert sid_of(http).expires == int(clock.now + 900)
        clock.now += 899
        assert DEFAULT_ROLE[0] in assertion_in(http.get(idp.app_url, timeout=5))
        assert (idp.sign_ins, idp.session_reuses, idp.polls) == (1, 1, 1)
        clock.now += 1
        page = http.get(idp.app_url, timeout=5)
        assert TOKEN_IN_PAGE.search(page.text) is not None
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)
