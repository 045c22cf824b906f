"""Self-tests of the Entra ID emulator (and AD FS's WS-Federation side), driven with
plain `requests` as a browser would, through each path the client will take."""

from __future__ import annotations

import base64
import json
import re
import time
from html.parser import HTMLParser
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from tests.emulators import AdfsEmulator, EntraEmulator, TestTls
from tests.emulators.entra_saml import authn_request_xml, build_authn_request, encode_redirect
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER
from tests.emulators.sessions import ManualClock

AWS = "https://signin.aws.amazon.com/saml"
FED_USER, FED_PASSWORD = "bob@corp.example.com", "fed secret"


# -- a few lines of browser ----------------------------------------------------------------


def config_of(page: requests.Response) -> dict[str, Any]:
    """The page's $Config object (the JSON after `$Config=`, up to its end)."""
    start = page.text.index("$Config=") + len("$Config=")
    config, _ = json.JSONDecoder().raw_decode(page.text, start)
    assert isinstance(config, dict)
    return config


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.inputs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.action = values.get("action") or ""
        elif tag == "input" and values.get("type") == "hidden":
            self.inputs.append((values.get("name") or "", values.get("value") or ""))


def hidden_form(page: requests.Response) -> tuple[str, dict[str, str]]:
    """(absolute action, hidden inputs) of a "Working..." auto-post page."""
    assert page.text.startswith("<html><head><title>Working...</title>")
    assert 'name="hiddenform"' in page.text
    form = _Form()
    form.feed(page.text)
    return urljoin(page.url, form.action), dict(form.inputs)


def url_of(page: requests.Response, config: dict[str, Any], name: str) -> str:
    return urljoin(page.url, str(config[name]))


def api_headers(config: dict[str, Any]) -> dict[str, str]:
    return {
        "canary": config["apiCanary"],
        "client-request-id": config["correlationId"],
        "hpgrequestid": config["sessionId"],
        "hpgid": str(config["hpgid"]),
        "hpgact": str(config["hpgact"]),
    }


def open_saml(http: requests.Session, idp: EntraEmulator, **params: str) -> requests.Response:
    query = {"SAMLRequest": build_authn_request(AWS, AWS), **params}
    return http.get(idp.tenant_saml_url, params=query, timeout=10)


def credential_type(
    http: requests.Session, page: requests.Response, username: str
) -> requests.Response:
    config = config_of(page)
    body = {
        "username": username,
        "isOtherIdpSupported": True,
        "checkPhones": False,
        "isRemoteNGCSupported": False,
        "isCookieBannerShown": False,
        "isFidoSupported": False,
        "originalRequest": config["sCtx"],
        "flowToken": config["sFT"],
    }
    url = url_of(page, config, "urlGetCredentialType")
    return http.post(url, json=body, headers=api_headers(config), timeout=10)


def sign_in(
    http: requests.Session,
    page: requests.Response,
    user: str = DEFAULT_USER,
    password: str = DEFAULT_PASSWORD,
) -> requests.Response:
    """GetCredentialType then the managed password post, from a ConvergedSignIn page."""
    return password_post(http, page, credential_type(http, page, user).json(), user, password)


def password_post(
    http: requests.Session,
    page: requests.Response,
    answer: dict[str, Any],
    user: str = DEFAULT_USER,
    password: str = DEFAULT_PASSWORD,
) -> requests.Response:
    """The managed password post of a ConvergedSignIn page after GetCredentialType."""
    config = config_of(page)
    form = {
        "login": user,
        "loginfmt": user,
        "passwd": password,
        config["sFTName"]: answer["FlowToken"],
        "ctx": config["sCtx"],
        "canary": config["canary"],
        "hpgrequestid": config["sessionId"],
        "type": "11",
        "LoginOptions": "3",
    }
    return http.post(url_of(page, config, "urlPost"), data=form, timeout=10)


def post_page(http: requests.Session, page: requests.Response, **fields: str) -> requests.Response:
    """Form-post a Converged page's urlPost with its flow token, ctx and canary."""
    config = config_of(page)
    form = {
        config["sFTName"]: config["sFT"],
        "ctx": config["sCtx"],
        "canary": config["canary"],
        "hpgrequestid": config["sessionId"],
        **fields,
    }
    return http.post(url_of(page, config, "urlPost"), data=form, timeout=10)


def saml_of(page: requests.Response) -> str:
    _, inputs = hidden_form(page)
    return base64.b64decode(inputs["SAMLResponse"]).decode()


def error_of(page: requests.Response) -> tuple[str, str]:
    """(pgid, sErrorCode) of a page, with the service message checked on ConvergedError."""
    config = config_of(page)
    if config["pgid"] == "ConvergedError":
        shown = re.search(r'id="service_exception_message"[^>]*>([^<]*)<', page.text)
        assert shown is not None
        assert shown.group(1).startswith(f"AADSTS{config['sErrorCode']}: ")
    return config["pgid"], config["sErrorCode"]


# -- managed users, KMSI, sessions ---------------------------------------------------------


def test_managed_sign_in_without_mfa_then_session_skips_password(
    http: requests.Session, tls: TestTls
) -> None:
    with EntraEmulator(tls, kmsi=False) as idp:
        page = open_saml(http, idp, RelayState="state-1")
        config = config_of(page)
        assert (config["pgid"], config["hpgid"], config["sErrorCode"]) == (
            "ConvergedSignIn",
            1104,
            "50058",
        )
        assert "ServerData = $Config;" in page.text
        answer = credential_type(http, page, DEFAULT_USER).json()
        assert answer["IfExistsResult"] == 0
        assert answer["EstsProperties"]["DomainType"] == 3
        assert answer["FlowToken"] != config["sFT"]
        final = password_post(http, page, answer)
        action, inputs = hidden_form(final)
        assert action == AWS
        assert inputs["RelayState"] == "state-1"
        assert f"https://sts.windows.net/{idp.tenant_id}/" in saml_of(final)
        assert "ESTSAUTH" in http.cookies
        again = open_saml(http, idp)
        assert "SAMLResponse" in hidden_form(again)[1]
        assert (idp.logins, idp.password_posts, idp.credential_type_calls) == (2, 1, 1)
        request = idp.authn_requests[0]
        assert (request["issuer"], request["acs"], request["version"]) == (AWS, AWS, "2.0")


def test_wrong_password_and_unknown_user(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls) as idp:
        page = open_saml(http, idp)
        assert credential_type(http, page, "nobody@example.com").json()["IfExistsResult"] == 1
        wrong = sign_in(http, open_saml(http, idp), password="nope")
        assert error_of(wrong) == ("ConvergedSignIn", "50126")
        assert config_of(wrong)["sErrTxt"].startswith("AADSTS50126: ")
        assert idp.logins == 0


def test_kmsi_yes_sets_persistent_cookie(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls) as idp:
        kmsi = sign_in(http, open_saml(http, idp))
        assert config_of(kmsi)["pgid"] == "KmsiInterrupt"
        final = post_page(http, kmsi, LoginOptions="1", type="28")
        assert "SAMLResponse" in hidden_form(final)[1]
        assert idp.kmsi_answers == ["1"]
        assert idp.kmsi_posts == 1
        assert "ESTSAUTHPERSISTENT" in http.cookies


def test_kmsi_may_answer_a_redirect(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, kmsi_redirect=True) as idp:
        kmsi = sign_in(http, open_saml(http, idp))
        moved = post_page(http, kmsi, LoginOptions="0", type="28")
        assert moved.history[0].status_code == 302
        assert "SAMLResponse" in hidden_form(moved)[1]
        assert idp.kmsi_answers == ["0"]
        assert "ESTSAUTHPERSISTENT" not in http.cookies


def test_stale_token_and_missing_cookie_are_refused(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, kmsi=False) as idp:
        page = open_saml(http, idp)
        answer = credential_type(http, page, DEFAULT_USER).json()
        assert "SAMLResponse" in hidden_form(password_post(http, page, answer))[1]
        replay = password_post(http, page, answer)  # that flow token was used up
        assert error_of(replay) == ("ConvergedError", "90014")
        assert idp.stale_tokens >= 1
        http.cookies.clear()  # the ESTSAUTH session would skip the sign-in page
        fresh = open_saml(http, idp)
        http.cookies.clear()
        assert error_of(post_page(http, fresh)) == ("ConvergedError", "90007")


def test_credential_type_without_canary_is_a_json_400(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls) as idp:
        page = open_saml(http, idp)
        config = config_of(page)
        headers = {k: v for k, v in api_headers(config).items() if k != "canary"}
        body = {
            "username": DEFAULT_USER,
            "originalRequest": config["sCtx"],
            "flowToken": config["sFT"],
        }
        answer = http.post(url_of(page, config, "urlGetCredentialType"), json=body, headers=headers)
        assert answer.status_code == 400
        assert answer.json()["error_codes"] == [90023]


# -- federated users -----------------------------------------------------------------------


def test_federated_user_signs_in_at_adfs_over_wsfed(http: requests.Session, tls: TestTls) -> None:
    with (
        AdfsEmulator(tls, users={FED_USER: FED_PASSWORD}) as adfs,
        EntraEmulator(
            tls,
            adfs=adfs,
            federated_domains=["corp.example.com"],
            mfa=["PhoneAppNotification"],
            kmsi=False,
        ) as idp,
    ):
        page = open_saml(http, idp)
        answer = credential_type(http, page, FED_USER).json()
        assert answer["EstsProperties"]["DomainType"] == 4
        assert answer["Credentials"]["PrefCredential"] == 4
        login = http.get(answer["Credentials"]["FederationRedirectUrl"], timeout=10)
        assert login.url.startswith(f"{adfs.url}/adfs/ls/?")
        assert "client-request-id" in login.url
        assert f'value="{FED_USER}"' in login.text
        fields = {"UserName": FED_USER, "Password": FED_PASSWORD}
        trust = http.post(login.url, data={**fields, "AuthMethod": "FormsAuthentication"})
        action, inputs = hidden_form(trust)
        assert "window.setTimeout('document.forms[0].submit()', 0);" in trust.text
        assert action == f"{idp.url}/login.srf"
        assert inputs["wa"] == "wsignin1.0"
        assert "estsrequest=" in inputs["wctx"]
        final = http.post(action, data=inputs, timeout=10)
        assert "SAMLResponse" in hidden_form(final)[1]  # no Entra MFA after federation
        assert (adfs.wsfed_signins, adfs.logins, idp.hidden_form_posts) == (1, 0, 1)
        assert idp.mfa_sent == []
        replay = http.post(action, data=inputs, timeout=10)
        assert error_of(replay) == ("ConvergedError", "90014")


def test_wsfed_sign_in_runs_the_adfs_mfa_adapter(http: requests.Session, tls: TestTls) -> None:
    with (
        AdfsEmulator(tls, users={FED_USER: FED_PASSWORD}, mfa="securid") as adfs,
        EntraEmulator(tls, adfs=adfs, federated_domains=["corp.example.com"], kmsi=False) as idp,
    ):
        answer = credential_type(http, open_saml(http, idp), FED_USER).json()
        login = http.get(answer["Credentials"]["FederationRedirectUrl"], timeout=10)
        fields = {"UserName": FED_USER, "Password": FED_PASSWORD}
        mfa = http.post(login.url, data={**fields, "AuthMethod": "FormsAuthentication"})
        form = _Form()
        form.feed(mfa.text)
        inputs = {**dict(form.inputs), "Passcode": "123456"}
        trust = http.post(login.url, data=inputs, timeout=10)
        action, posted = hidden_form(trust)
        assert "SAMLResponse" in hidden_form(http.post(action, data=posted, timeout=10))[1]
        assert (adfs.otp_attempts, adfs.wsfed_signins, idp.logins) == (1, 1, 1)


def test_adfs_refuses_wsfed_without_a_reply_url(http: requests.Session, tls: TestTls) -> None:
    with AdfsEmulator(tls) as adfs:
        query = {"wa": "wsignin1.0", "wtrealm": "urn:federation:MicrosoftOnline", "wctx": "x"}
        answer = http.get(f"{adfs.url}/adfs/ls/", params=query, timeout=10)
        assert answer.status_code == 400
        assert adfs.redeem_wsfed_token("unknown") is None


# -- TFA -----------------------------------------------------------------------------------


def sas(
    http: requests.Session, tfa: requests.Response, url_name: str, body: dict[str, Any]
) -> dict[str, Any]:
    config = config_of(tfa)
    answer = http.post(url_of(tfa, config, url_name), json=body, headers=api_headers(config))
    payload = answer.json()
    assert isinstance(payload, dict)
    return payload


def begin(http: requests.Session, tfa: requests.Response, method: str) -> dict[str, Any]:
    config = config_of(tfa)
    body = {
        "AuthMethodId": method,
        "Method": "BeginAuth",
        "Ctx": config["sCtx"],
        "FlowToken": config["sFT"],
    }
    return sas(http, tfa, "urlBeginAuth", body)


def end(
    http: requests.Session, tfa: requests.Response, last: dict[str, Any], code: str | None = None
) -> dict[str, Any]:
    body = {
        "AuthMethodId": last["AuthMethodId"],
        "Method": "EndAuth",
        "Ctx": last["Ctx"],
        "FlowToken": last["FlowToken"],
        "SessionId": last["SessionId"],
        "PollCount": 1,
    }
    if code is not None:
        body["AdditionalAuthData"] = code
    return sas(http, tfa, "urlEndAuth", body)


def process(
    http: requests.Session, tfa: requests.Response, last: dict[str, Any]
) -> requests.Response:
    config = config_of(tfa)
    form = {
        config["sFTName"]: last["FlowToken"],
        "request": last["Ctx"],
        "mfaAuthMethod": last["AuthMethodId"],
        "login": config["sPOST_Username"],
        "canary": config["canary"],
        "hpgrequestid": config["sessionId"],
    }
    return http.post(url_of(tfa, config, "urlPost"), data=form, timeout=10)


def test_push_with_number_matching_is_pending_then_approved(
    http: requests.Session, tls: TestTls
) -> None:
    methods = ["OneWaySMS", "PhoneAppNotification"]
    with EntraEmulator(tls, mfa=methods, default_mfa="PhoneAppNotification", kmsi=False) as idp:
        tfa = sign_in(http, open_saml(http, idp))
        config = config_of(tfa)
        assert (config["pgid"], config["hpgid"]) == ("ConvergedTFA", 1114)
        assert [p["authMethodId"] for p in config["arrUserProofs"]] == methods
        assert [p["isDefault"] for p in config["arrUserProofs"]] == [False, True]
        assert config["oPerAuthPollingInterval"]["PhoneAppNotification"] == 1.0
        last = begin(http, tfa, "PhoneAppNotification")
        assert (last["Success"], last["Entropy"]) == (True, 42)
        results = []
        for _ in range(3):
            last = end(http, tfa, last)
            results.append((last["ResultValue"], last["Retry"]))
        assert results == [
            ("AuthenticationPending", True),
            ("AuthenticationPending", True),
            ("Success", False),
        ]
        assert "SAMLResponse" in hidden_form(process(http, tfa, last))[1]
        assert (idp.mfa_sent, idp.end_auths, idp.process_auths) == (["PhoneAppNotification"], 3, 1)


@pytest.mark.parametrize(
    ("outcome", "result"), [("deny", "PhoneAppDenied"), ("no_response", "PhoneAppNoResponse")]
)
def test_push_refused_ends_with_strong_auth_failure(
    http: requests.Session, tls: TestTls, outcome: str, result: str
) -> None:
    options: dict[str, Any] = {"mfa_outcome": outcome, "mfa_approve_after": 0, "entropy": None}
    with EntraEmulator(tls, mfa=["PhoneAppNotification"], **options) as idp:
        tfa = sign_in(http, open_saml(http, idp))
        last = begin(http, tfa, "PhoneAppNotification")
        assert last["Entropy"] == 0
        last = end(http, tfa, last)
        assert (last["ResultValue"], last["ErrCode"], last["Success"]) == (result, 500121, False)
        assert error_of(process(http, tfa, last)) == ("ConvergedError", "500121")
        assert idp.logins == 0


@pytest.mark.parametrize(
    ("method", "wrong"),
    [
        ("PhoneAppOTP", "OathCodeIncorrect"),
        ("OneWaySMS", "SMSAuthFailedWrongCodeEntered"),
        ("HardwareOTP", "OathCodeIncorrect"),
    ],
)
def test_code_methods_wrong_then_right_then_reused(
    http: requests.Session, tls: TestTls, method: str, wrong: str
) -> None:
    with EntraEmulator(tls, mfa=[method], kmsi=False) as idp:
        tfa = sign_in(http, open_saml(http, idp))
        last = end(http, tfa, begin(http, tfa, method), "000000")
        assert (last["ResultValue"], last["Retry"], last["ErrCode"]) == (wrong, False, 0)
        last = end(http, tfa, last, "123456")
        assert last["Success"] is True
        assert "SAMLResponse" in hidden_form(process(http, tfa, last))[1]
        http.cookies.clear()
        tfa = sign_in(http, open_saml(http, idp))
        last = end(http, tfa, begin(http, tfa, method), "123456")
        assert (last["ResultValue"], last["ErrCode"]) == (
            "PhoneAppOtpAuthFailedDuplicateCodeEntered",
            500121,
        )
        assert (idp.otp_attempts, idp.logins, idp.mfa_sent) == (3, 1, [method, method])


def test_process_auth_needs_a_successful_end_auth(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, mfa=["PhoneAppNotification"]) as idp:
        tfa = sign_in(http, open_saml(http, idp))
        last = end(http, tfa, begin(http, tfa, "PhoneAppNotification"))
        assert last["ResultValue"] == "AuthenticationPending"
        assert error_of(process(http, tfa, last)) == ("ConvergedError", "500121")
        assert idp.logins == 0


# -- proof-up, interrupts, account errors ---------------------------------------------------


def test_proof_up_skippable_and_required(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, proof_up="skippable", kmsi=False) as idp:
        page = sign_in(http, open_saml(http, idp))
        config = config_of(page)
        assert config["pgid"] == "ConvergedProofUpRedirect"
        final = http.get(url_of(page, config, "urlSkipMfaRegistration"), timeout=10)
        assert "SAMLResponse" in hidden_form(final)[1]
        assert idp.proofup_skips == 1
    http.cookies.clear()
    with EntraEmulator(tls, proof_up="required") as idp:
        config = config_of(sign_in(http, open_saml(http, idp)))
        assert config["pgid"] == "ConvergedProofUpRedirect"
        assert "urlSkipMfaRegistration" not in config


@pytest.mark.parametrize(
    ("interrupt", "pgid"),
    [
        ("conditional_access", "ConvergedConditionalAccess"),
        ("unknown", "ConvergedPasskeyEnrollment"),
    ],
)
def test_interrupt_pages(http: requests.Session, tls: TestTls, interrupt: str, pgid: str) -> None:
    with EntraEmulator(tls, interrupt=interrupt) as idp:
        assert config_of(sign_in(http, open_saml(http, idp)))["pgid"] == pgid


def test_loop_interrupt_answers_the_same_page_every_time(
    http: requests.Session, tls: TestTls
) -> None:
    with EntraEmulator(tls, interrupt="loop") as idp:
        first = sign_in(http, open_saml(http, idp))
        action, inputs = hidden_form(first)
        pages = [http.post(action, data=inputs, timeout=10).content for _ in range(3)]
        assert set(pages) == {first.content}


@pytest.mark.parametrize(
    ("code", "pgid"),
    [("50053", "ConvergedSignIn"), ("50057", "ConvergedSignIn"), ("53003", "ConvergedError")],
)
def test_account_errors(http: requests.Session, tls: TestTls, code: str, pgid: str) -> None:
    with EntraEmulator(tls, account_errors={DEFAULT_USER: code}) as idp:
        assert error_of(sign_in(http, open_saml(http, idp))) == (pgid, code)
        assert idp.logins == 0


# -- the portal (user access URL) ------------------------------------------------------------


def test_user_access_url_chain(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, entity_id="urn:amazon:webservices", kmsi=False) as idp:
        page = http.get(idp.user_access_url, timeout=10)
        assert f"/{idp.tenant_id}/oauth2/authorize?" in page.url
        assert config_of(page)["pgid"] == "ConvergedSignIn"
        oidc = sign_in(http, page)
        action, inputs = hidden_form(oidc)
        assert action == f"{idp.url}/signin-oidc"
        assert set(inputs) == {"code", "id_token", "state", "session_state"}
        portal = http.post(action, data=inputs, timeout=10)
        assert portal.url == idp.user_access_url
        found = re.search(r"window\.location = '([^']*)'", portal.text)
        assert found is not None
        target = found.group(1).replace("\\u0026", "&")
        assert "SAMLRequest=" in target
        assert target.startswith(f"{idp.url}/{idp.tenant_id}/saml2?")
        final = http.get(target, timeout=10)
        assert hidden_form(final)[0] == AWS
        assert idp.authn_requests[-1]["issuer"] == "urn:amazon:webservices"
        assert (idp.hidden_form_posts, idp.password_posts, idp.logins) == (1, 1, 1)


# -- AuthnRequest checks, page shapes, options ----------------------------------------------


@pytest.mark.parametrize(
    ("xml_args", "code"),
    [
        (("urn:wrong:app", AWS), "700016"),
        ((AWS, "https://attacker.example/saml"), "50011"),
    ],
)
def test_authn_request_checks(
    http: requests.Session, tls: TestTls, xml_args: tuple[str, str], code: str
) -> None:
    with EntraEmulator(tls) as idp:
        query = {"SAMLRequest": encode_redirect(authn_request_xml(*xml_args))}
        page = http.get(idp.tenant_saml_url, params=query, timeout=10)
        assert (page.status_code, error_of(page)) == (200, ("ConvergedError", code))
        assert idp.authn_requests[0]["raw"].startswith("<samlp:AuthnRequest ")
        garbage = http.get(idp.tenant_saml_url, params={"SAMLRequest": "not deflate"})
        assert error_of(garbage) == ("ConvergedError", "750054")


@pytest.mark.parametrize(
    ("layout", "shape"),
    [
        ("nolinebreak", '"};//]]></script>'),
        ("linebreak", '"};\n//]]></script>'),
        ("extrascript", '"}; if (!window.$Loader) {'),
    ],
)
def test_layouts_and_relative_urls(
    http: requests.Session, tls: TestTls, layout: str, shape: str
) -> None:
    with EntraEmulator(tls, layout=layout, relative_urls=True, kmsi=False) as idp:
        page = open_saml(http, idp)
        assert shape in page.text
        assert config_of(page)["urlPost"] == "/common/login"
        assert "SAMLResponse" in hidden_form(sign_in(http, page))[1]


def test_form_action_and_unknown_path(http: requests.Session, tls: TestTls) -> None:
    mcas = "https://signin.aws.amazon.com.mcas.ms/saml"
    with EntraEmulator(tls, form_action=mcas, kmsi=False) as idp:
        assert hidden_form(sign_in(http, open_saml(http, idp)))[0] == mcas
        assert http.get(f"{idp.url}/nowhere", timeout=10).status_code == 404


@pytest.mark.parametrize(
    "options",
    [{"layout": "fancy"}, {"mfa": ["Carrier pigeon"]}, {"interrupt": "x"}, {"proof_up": "x"}],
)
def test_unknown_option_values_are_refused(tls: TestTls, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown"):
        EntraEmulator(tls, **options)


# -- IdP sessions: ESTSAUTH (and AD FS's MSISAuth) sign in again without a password ---------


def cookie_of(http: requests.Session, name: str) -> Cookie:
    (found,) = [cookie for cookie in http.cookies if cookie.name == name]
    return found


def pass_tfa(http: requests.Session, tfa: requests.Response) -> requests.Response:
    """The one-time code of the TFA page's first method: what follows the TFA."""
    method = config_of(tfa)["arrUserProofs"][0]["authMethodId"]
    ended = end(http, tfa, begin(http, tfa, method), "123456")
    assert ended["Success"], ended
    return process(http, tfa, ended)


def portal_chain(http: requests.Session, oidc: requests.Response) -> requests.Response:
    """From the portal's OIDC form: the portal page, then the saml2 URL its script opens."""
    portal = http.post(*hidden_form(oidc), timeout=10)
    found = re.search(r"window\.location = '([^']*)'", portal.text)
    assert found is not None, portal.text
    return http.get(found.group(1).replace("\\u0026", "&"), timeout=10)


def test_estsauth_answers_the_saml_form_until_revoked(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, kmsi=False, mfa=["OneWaySMS"]) as idp:
        wrong = sign_in(http, open_saml(http, idp), password="nope")
        assert config_of(wrong)["sErrorCode"] == "50126"
        tfa = sign_in(http, wrong)
        assert (config_of(tfa)["pgid"], idp.sign_ins) == ("ConvergedTFA", 0)
        assert "SAMLResponse" in hidden_form(pass_tfa(http, tfa))[1]
        ests = cookie_of(http, "ESTSAUTH")
        assert (ests.path, ests.secure, ests.has_nonstandard_attr("HttpOnly")) == ("/", True, True)
        assert ests.expires is None
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 0, 1)
        again = open_saml(http, idp, RelayState="second")
        assert hidden_form(again)[1]["RelayState"] == "second"
        assert (idp.sign_ins, idp.session_reuses, idp.logins, idp.password_posts) == (1, 1, 2, 2)
        idp.revoke_sessions()
        assert config_of(open_saml(http, idp))["pgid"] == "ConvergedSignIn"
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)


def test_persistent_session_lives_its_lifetime(http: requests.Session, tls: TestTls) -> None:
    clock = ManualClock()
    with EntraEmulator(tls, session_lifetime=3600, clock=clock) as idp:
        kmsi = sign_in(http, open_saml(http, idp))
        assert "SAMLResponse" in hidden_form(post_page(http, kmsi, LoginOptions="1"))[1]
        persistent = cookie_of(http, "ESTSAUTHPERSISTENT")
        assert (persistent.path, persistent.expires) == ("/", int(clock.now + 3600))
        with requests.Session() as browser:  # restarted: only the persistent cookie is left
            browser.trust_env, browser.verify = False, str(tls.ca_file)
            browser.cookies.set_cookie(persistent)
            clock.now += 3599
            assert "SAMLResponse" in hidden_form(open_saml(browser, idp))[1]
            clock.now += 1
            assert config_of(open_saml(browser, idp))["pgid"] == "ConvergedSignIn"
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)


def test_persistent_cookie_without_a_lifetime_lasts_ninety_days(
    http: requests.Session, tls: TestTls
) -> None:
    with EntraEmulator(tls) as idp:
        assert idp.session_lifetime is None
        began = time.time()
        kmsi = sign_in(http, open_saml(http, idp))
        post_page(http, kmsi, LoginOptions="1")
        expires = cookie_of(http, "ESTSAUTHPERSISTENT").expires
        assert expires is not None
        assert int(began) + 90 * 86400 <= expires <= time.time() + 90 * 86400


def test_portal_chain_with_a_session_needs_no_sign_in(http: requests.Session, tls: TestTls) -> None:
    with EntraEmulator(tls, entity_id="urn:amazon:webservices", kmsi=False) as idp:
        portal_chain(http, sign_in(http, http.get(idp.user_access_url, timeout=10)))
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 0, 1)
        with requests.Session() as browser:  # a new portal visit, the ESTS session kept
            browser.trust_env, browser.verify = False, str(tls.ca_file)
            browser.cookies.set_cookie(cookie_of(http, "ESTSAUTH"))
            oidc = browser.get(idp.user_access_url, timeout=10)
            assert hidden_form(portal_chain(browser, oidc))[0] == AWS
        assert (idp.sign_ins, idp.session_reuses, idp.logins, idp.password_posts) == (1, 1, 2, 1)


def test_adfs_session_answers_wsfed_without_a_password(
    http: requests.Session, tls: TestTls
) -> None:
    with (
        AdfsEmulator(tls, users={FED_USER: FED_PASSWORD}) as adfs,
        EntraEmulator(tls, adfs=adfs, federated_domains=["corp.example.com"], kmsi=False) as idp,
    ):
        for _ in range(2):  # the second time, Entra's session revoked, AD FS's kept
            answer = credential_type(http, open_saml(http, idp), FED_USER).json()
            login = http.get(answer["Credentials"]["FederationRedirectUrl"], timeout=10)
            if "wresult" not in login.text:
                fields = {"UserName": FED_USER, "Password": FED_PASSWORD}
                login = http.post(login.url, data={**fields, "AuthMethod": "FormsAuthentication"})
            final = http.post(*hidden_form(login), timeout=10)
            assert "SAMLResponse" in hidden_form(final)[1]
            idp.revoke_sessions()
        assert (adfs.sign_ins, adfs.session_reuses, adfs.password_posts) == (1, 1, 1)
        assert (adfs.wsfed_signins, idp.sign_ins, idp.session_reuses) == (2, 2, 0)
