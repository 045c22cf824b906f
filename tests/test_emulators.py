"""The emulators themselves behave like the real services they stand in for."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import botocore.exceptions
import botocore.session
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from bs4 import BeautifulSoup, Tag
from defusedxml import ElementTree

from tests.emulators import (
    DEFAULT_ROLE,
    AdfsEmulator,
    MotoSts,
    OktaEmulator,
    TestTls,
    build_saml_response,
    make_tls,
)
from tests.emulators.adfs_pages import INCORRECT
from tests.emulators.aws import StsEmulator
from tests.emulators.sessions import ManualClock

PASSWORD = "correct horse"
USER = "alice@example.com"
ROLE_VALUE = f"{DEFAULT_ROLE[0]},{DEFAULT_ROLE[1]}"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TestTls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def session(tls: TestTls) -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.trust_env = False  # else REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override verify
        http.verify = str(tls.ca_file)
        yield http


def form_of(page: requests.Response, form_id: str) -> tuple[str, dict[str, str]]:
    """(absolute action resolved against the served URL, named inputs of the form)."""
    form = BeautifulSoup(page.text, "html.parser").find("form", id=form_id)
    assert isinstance(form, Tag), page.text
    fields = {
        str(i["name"]): str(i.get("value", "")) for i in form.find_all("input") if i.get("name")
    }
    return urljoin(page.url, str(form.get("action", ""))), fields


def by_id(page: requests.Response, element_id: str) -> str | None:
    element = BeautifulSoup(page.text, "html.parser").find(id=element_id)
    return None if element is None else element.get_text(strip=True)


def saml_of(page: requests.Response) -> str:
    element = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "SAMLResponse"})
    assert isinstance(element, Tag), page.text
    return base64.b64decode(str(element["value"])).decode()


def adfs_sign_in(http: requests.Session, idp: AdfsEmulator, password: str) -> requests.Response:
    page = http.get(idp.entry_url, timeout=5)
    action, fields = form_of(page, "loginForm")
    fields.update(UserName=USER, Password=password)
    return http.post(action, data=fields, timeout=5)


def test_adfs_redirects_sets_cookie_and_checks_password(
    session: requests.Session, tls: TestTls
) -> None:
    with AdfsEmulator(tls) as idp:
        page = session.get(idp.entry_url, timeout=5)
        assert [r.status_code for r in page.history] == [302]
        assert page.url.startswith(f"{idp.url}/adfs/ls/?")
        assert by_id(page, "errorText") == ""  # present but empty, as on real farms
        wrong = adfs_sign_in(session, idp, "nope")
        assert wrong.status_code == 200
        assert by_id(wrong, "errorText") == INCORRECT
        right = adfs_sign_in(session, idp, PASSWORD)
        assert ROLE_VALUE in saml_of(right)
        assert (idp.logins, idp.password_posts, idp.gets) == (1, 2, 6)
        assert idp.errors == []


def test_adfs_refuses_duplicates_missing_cookie_and_typed_url(
    session: requests.Session, tls: TestTls
) -> None:
    with AdfsEmulator(tls) as idp:
        page = session.get(idp.entry_url, timeout=5)
        action, fields = form_of(page, "loginForm")
        body = f"UserName={USER}&Password=x&AuthMethod=FormsAuthentication&AuthMethod="
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        assert session.post(action, data=body, headers=headers, timeout=5).status_code == 400
        fields.update(UserName=USER, Password=PASSWORD)
        no_cookie = requests.post(action, data=fields, verify=str(tls.ca_file), timeout=5)
        assert no_cookie.status_code == 403
        typed = urljoin(idp.entry_url, action.split("/adfs/ls/", 1)[1])
        assert session.post(typed, data=fields, timeout=5).status_code == 404
        assert idp.logins == 0


def test_adfs2_variant_needs_aspnet_fields(session: requests.Session, tls: TestTls) -> None:
    with AdfsEmulator(tls, variant="adfs2") as idp:
        page = session.get(idp.entry_url, timeout=5)
        action, fields = form_of(page, "aspnetForm")
        assert "__EVENTVALIDATION" in fields
        fields["ctl00$ContentPlaceHolder1$UsernameTextBox"] = USER
        fields["ctl00$ContentPlaceHolder1$PasswordTextBox"] = PASSWORD
        assert ROLE_VALUE in saml_of(session.post(action, data=fields, timeout=5))


def test_adfs_azure_number_matching_approves_after_two_polls(
    session: requests.Session, tls: TestTls
) -> None:
    with AdfsEmulator(tls, mfa="azure_number") as idp:
        mfa = adfs_sign_in(session, idp, PASSWORD)
        assert by_id(mfa, "validEntropyNumber") == "42"
        action, fields = form_of(mfa, "options")
        assert fields["AuthMethod"] == "AzureMfaAuthentication"
        first = session.post(action, data=fields, timeout=5)
        assert by_id(first, "validEntropyNumber") == "42"
        assert ROLE_VALUE in saml_of(session.post(action, data=fields, timeout=5))
        stale = session.post(action, data=fields, timeout=5)
        assert stale.status_code == 400  # the context is used up
        assert idp.mfa_polls == 2


def test_adfs_securid_rejects_wrong_code(session: requests.Session, tls: TestTls) -> None:
    with AdfsEmulator(tls, mfa="securid") as idp:
        action, fields = form_of(adfs_sign_in(session, idp, PASSWORD), "passcodeForm")
        wrong = session.post(action, data={**fields, "Passcode": "000000"}, timeout=5)
        assert by_id(wrong, "errorText")
        action, fields = form_of(wrong, "passcodeForm")
        right = session.post(action, data={**fields, "Passcode": "123456"}, timeout=5)
        assert ROLE_VALUE in saml_of(right)
        assert idp.otp_attempts == 2


def test_hang_mode_times_out_client_and_stops_fast(tls: TestTls) -> None:
    idp = AdfsEmulator(tls, hang=True)
    idp.start()
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(idp.entry_url, verify=str(tls.ca_file), timeout=(2, 1))
    finally:
        began = time.monotonic()
        idp.stop()
    assert time.monotonic() - began < 2
    assert idp.requests_seen == [("GET", "/adfs/ls/IdpInitiatedSignOn.aspx")]


def test_other_ca_is_not_trusted(tls: TestTls, tmp_path: Path) -> None:
    other = make_tls(tmp_path, name="other")
    with AdfsEmulator(tls) as idp, pytest.raises(requests.exceptions.SSLError):
        requests.get(idp.entry_url, verify=str(other.ca_file), timeout=5)


def authn(http: requests.Session, idp: OktaEmulator, password: str) -> requests.Response:
    body = {"username": USER, "password": password}
    return http.post(f"{idp.url}/api/v1/authn", json=body, timeout=5)


def test_okta_bad_credentials_and_rate_limit(session: requests.Session, tls: TestTls) -> None:
    with OktaEmulator(tls, rate_limit=1) as idp:
        limited = authn(session, idp, PASSWORD)
        assert limited.status_code == 429
        assert limited.json()["errorCode"] == "E0000047"
        assert int(limited.headers["X-Rate-Limit-Reset"]) >= int(time.time())
        bad = authn(session, idp, "nope")
        assert bad.status_code == 401
        assert set(bad.json()) == {
            "errorCode",
            "errorSummary",
            "errorLink",
            "errorId",
            "errorCauses",
        }
        assert bad.json()["errorCode"] == "E0000004"
        assert authn(session, idp, PASSWORD).json()["status"] == "SUCCESS"
        assert idp.authn_calls == 3


def test_okta_push_number_approves_after_two_polls(session: requests.Session, tls: TestTls) -> None:
    with OktaEmulator(tls, factors=["push_number"]) as idp:
        required = authn(session, idp, PASSWORD).json()
        assert required["status"] == "MFA_REQUIRED"
        (factor,) = required["_embedded"]["factors"]
        state = {"stateToken": required["stateToken"]}
        sent = session.post(factor["_links"]["verify"]["href"], json=state, timeout=5).json()
        assert sent["factorResult"] == "WAITING"
        assert sent["_embedded"]["factor"]["_embedded"]["challenge"]["correctAnswer"] == 37
        poll = sent["_links"]["next"]["href"]
        answers = [session.post(poll, json=state, timeout=5).json() for _ in range(2)]
        assert [a.get("factorResult") for a in answers] == ["WAITING", None]
        assert answers[1]["status"] == "SUCCESS"
        again = session.post(poll, json=state, timeout=5)
        assert again.status_code == 403
        assert again.json()["errorCode"] == "E0000011"
        assert idp.push_polls == 2


def test_okta_totp_then_session_cookie_redirect(session: requests.Session, tls: TestTls) -> None:
    with OktaEmulator(tls, factors=["totp_google"], factors_key="factor") as idp:
        required = authn(session, idp, PASSWORD).json()
        verify = required["_embedded"]["factor"][0]["_links"]["verify"]["href"]
        wrong = session.post(
            verify, json={"stateToken": required["stateToken"], "passCode": "1"}, timeout=5
        )
        assert (wrong.status_code, wrong.json()["errorCode"]) == (403, "E0000068")
        body = {"stateToken": required["stateToken"], "passCode": idp.totp_now()}
        token = session.post(verify, json=body, timeout=5).json()["sessionToken"]
        params = {"checkAccountSetupComplete": "true", "token": token, "redirectUrl": idp.app_url}
        redirect = f"{idp.url}/login/sessionCookieRedirect"
        app = session.get(redirect, params=params, timeout=5)
        assert "saml2:Assertion" in saml_of(app)
        with requests.Session() as fresh:
            reused = fresh.get(redirect, params=params, verify=str(tls.ca_file), timeout=5)
        assert reused.url == f"{idp.url}/login/default"
        assert by_id(reused, "form19") is not None
        assert idp.logins == 1


def test_okta_onetimetoken_fallback(session: requests.Session, tls: TestTls) -> None:
    with OktaEmulator(tls, session_cookie_redirect=False) as idp:
        token = authn(session, idp, PASSWORD).json()["sessionToken"]
        params = {"token": token, "redirectUrl": idp.app_url}
        assert (
            session.get(
                f"{idp.url}/login/sessionCookieRedirect", params=params, timeout=5
            ).status_code
            == 404
        )
        app = session.get(idp.app_url, params={"onetimetoken": token}, timeout=5)
        assert ROLE_VALUE in saml_of(app)


def test_saml_role_pairs_in_either_order_with_spaces() -> None:
    xml = base64.b64decode(
        build_saml_response([DEFAULT_ROLE], pair_order="provider,role", spaces=True)
    )
    root = ElementTree.fromstring(xml)
    values = [e.text for e in root.iter("{urn:oasis:names:tc:SAML:2.0:assertion}AttributeValue")]
    assert values == [USER, f"{DEFAULT_ROLE[1]}, {DEFAULT_ROLE[0]}"]


def test_moto_accepts_the_assertion() -> None:
    config = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
    with MotoSts() as sts:
        client: Any = botocore.session.Session().create_client(
            "sts", region_name="us-east-1", endpoint_url=sts.url, config=config
        )
        answer = client.assume_role_with_saml(
            RoleArn=DEFAULT_ROLE[0],
            PrincipalArn=DEFAULT_ROLE[1],
            SAMLAssertion=build_saml_response([DEFAULT_ROLE], session_duration=1800),
        )
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"]
    left = (credentials["Expiration"] - datetime.now(timezone.utc)).total_seconds()
    assert 1700 < left <= 1800


def test_sts_emulator_knows_the_caller_of_the_keys_it_issued(tls: TestTls) -> None:
    unsigned = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
    with StsEmulator(tls) as sts:
        botocore_session = botocore.session.Session()
        client: Any = botocore_session.create_client(
            "sts", "us-east-1", endpoint_url=sts.url, verify=str(tls.ca_file), config=unsigned
        )
        keys = client.assume_role_with_saml(
            RoleArn=DEFAULT_ROLE[0],
            PrincipalArn=DEFAULT_ROLE[1],
            SAMLAssertion=build_saml_response([DEFAULT_ROLE], session_name="bob&co"),
        )["Credentials"]

        def caller(access_key: str) -> Any:
            signed: Any = botocore_session.create_client(
                "sts",
                "us-east-1",
                endpoint_url=sts.url,
                verify=str(tls.ca_file),
                aws_access_key_id=access_key,
                aws_secret_access_key="secret",
                aws_session_token="token",
                config=Config(retries={"max_attempts": 1}),
            )
            return signed.get_caller_identity()

        identity = caller(keys["AccessKeyId"])
        with pytest.raises(botocore.exceptions.ClientError, match="InvalidClientTokenId"):
            caller("ASIANOTISSUEDBYUS00")
    role_name = DEFAULT_ROLE[0].rsplit("/", 1)[-1]
    assert identity["Arn"] == f"arn:aws:sts::123456789012:assumed-role/{role_name}/bob&co"
    assert identity["Account"] == "123456789012"


# -- IdP sessions: a cookie that signs in again without a password --------------------------


def cookie_of(http: requests.Session, name: str) -> Cookie:
    (found,) = [cookie for cookie in http.cookies if cookie.name == name]
    return found


def attributes(cookie: Cookie) -> tuple[str, bool, bool]:
    """(path, Secure, HttpOnly) of a cookie in the jar."""
    return cookie.path, cookie.secure, cookie.has_nonstandard_attr("HttpOnly")


def test_adfs_session_answers_the_saml_form_until_revoked(
    session: requests.Session, tls: TestTls
) -> None:
    with AdfsEmulator(tls, mfa="azure", mfa_approve_after=1) as idp:
        assert by_id(adfs_sign_in(session, idp, "nope"), "errorText") == INCORRECT
        action, fields = form_of(adfs_sign_in(session, idp, PASSWORD), "options")
        assert idp.sign_ins == 0  # the second factor is still due
        assert ROLE_VALUE in saml_of(session.post(action, data=fields, timeout=5))
        auth = cookie_of(session, "MSISAuth")
        assert (attributes(auth), auth.expires) == (("/adfs", True, True), None)
        assert attributes(cookie_of(session, "MSISAuthenticated")) == ("/adfs", True, True)
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 0, 1)
        again = session.get(idp.entry_url, timeout=5)
        assert ROLE_VALUE in saml_of(again)
        assert [r.status_code for r in again.history] == [302]
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)
        assert (idp.password_posts, idp.mfa_polls) == (2, 1)
        idp.revoke_sessions()
        revoked = session.get(idp.entry_url, timeout=5)
        assert form_of(revoked, "loginForm")[1]["AuthMethod"] == "FormsAuthentication"
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)
        assert idp.errors == []


def test_adfs_kmsi_session_persists_and_ends_with_its_lifetime(
    session: requests.Session, tls: TestTls
) -> None:
    clock = ManualClock()
    with AdfsEmulator(tls, kmsi=True, session_lifetime=3600, clock=clock) as idp:
        assert idp.session_lifetime == 3600
        assert ROLE_VALUE in saml_of(adfs_sign_in(session, idp, PASSWORD))
        assert cookie_of(session, "MSISAuth").expires == int(clock.now + 3600)
        assert cookie_of(session, "MSISAuthenticated").expires is None
        clock.now += 3599
        assert ROLE_VALUE in saml_of(session.get(idp.entry_url, timeout=5))
        clock.now += 1
        assert form_of(session.get(idp.entry_url, timeout=5), "loginForm")
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)


def test_adfs_default_session_lifetime_is_web_sso_lifetime(tls: TestTls) -> None:
    assert AdfsEmulator(tls).session_lifetime == 8 * 3600
    with pytest.raises(ValueError, match="session_lifetime"):
        AdfsEmulator(tls, session_lifetime=0)


def okta_session(http: requests.Session, idp: OktaEmulator) -> requests.Response:
    """Primary authentication, then the session token for a `sid` at the app link."""
    token = authn(http, idp, PASSWORD).json()["sessionToken"]
    params = {"token": token, "redirectUrl": idp.app_url}
    return http.get(f"{idp.url}/login/sessionCookieRedirect", params=params, timeout=5)


def test_okta_sid_answers_the_app_link_until_revoked(
    session: requests.Session, tls: TestTls
) -> None:
    with OktaEmulator(tls) as idp:
        assert authn(session, idp, "nope").status_code == 401
        began = time.time()
        assert ROLE_VALUE in saml_of(okta_session(session, idp))
        sid = cookie_of(session, "sid")
        assert attributes(sid) == ("/", True, True)
        assert sid.expires is not None
        assert int(began) + 7200 <= sid.expires <= time.time() + 7200
        me = session.get(f"{idp.url}/api/v1/sessions/me", timeout=5).json()
        assert (me["id"], me["login"], me["status"], me["amr"]) == (
            sid.value,
            USER,
            "ACTIVE",
            ["pwd"],
        )
        expires_at = datetime.strptime(me["expiresAt"], "%Y-%m-%dT%H:%M:%S.000Z")
        assert int(expires_at.replace(tzinfo=timezone.utc).timestamp()) == sid.expires
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 0, 1)
        assert ROLE_VALUE in saml_of(session.get(idp.app_url, timeout=5))
        assert (idp.sign_ins, idp.session_reuses, idp.logins, idp.authn_calls) == (1, 1, 2, 2)
        idp.revoke_sessions()
        assert session.get(idp.app_url, timeout=5).url == f"{idp.url}/login/default"
        gone = session.get(f"{idp.url}/api/v1/sessions/me", timeout=5)
        assert (gone.status_code, gone.json()["errorCode"]) == (404, "E0000007")
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)


def test_okta_sid_of_a_push_sign_in_ends_with_its_lifetime(
    session: requests.Session, tls: TestTls
) -> None:
    clock = ManualClock()
    with OktaEmulator(
        tls, factors=["push"], push_approve_after=0, session_lifetime=600, clock=clock
    ) as idp:
        required = authn(session, idp, PASSWORD).json()
        verify = required["_embedded"]["factors"][0]["_links"]["verify"]["href"]
        state = {"stateToken": required["stateToken"]}
        assert session.post(verify, json=state, timeout=5).json()["factorResult"] == "WAITING"
        assert idp.sign_ins == 0
        token = session.post(verify, json=state, timeout=5).json()["sessionToken"]
        params = {"token": token, "redirectUrl": idp.app_url}
        session.get(f"{idp.url}/login/sessionCookieRedirect", params=params, timeout=5)
        assert cookie_of(session, "sid").expires == int(clock.now + 600)
        me = session.get(f"{idp.url}/api/v1/sessions/me", timeout=5).json()
        assert me["amr"] == ["pwd", "mfa"]
        clock.now += 599
        assert ROLE_VALUE in saml_of(session.get(idp.app_url, timeout=5))
        clock.now += 1
        assert session.get(idp.app_url, timeout=5).url == f"{idp.url}/login/default"
        assert (idp.sign_ins, idp.session_reuses, idp.logins) == (1, 1, 2)
