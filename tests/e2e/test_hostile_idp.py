"""An IdP that misbehaves: drips its answer, redirects the password elsewhere, answers
JSON of unexpected shapes or names odd charsets. Each run ends with one clear error
line (or copes), never a traceback or an "unexpected" error."""

from __future__ import annotations

import pytest

from tests.cli_runner import Run, run_without_terminal
from tests.conftest import PASSWORD, USER
from tests.emulators import (
    AdfsEmulator,
    EmulatorServer,
    OktaEmulator,
    Request,
    Response,
    TestTls,
    adfs_pages,
)
from tests.emulators.drip import DripServer


def run(args: list[str], env: dict[str, str], **extra: str) -> Run:
    return run_without_terminal(args, {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD, **extra})


def clean_error(result: Run) -> str:
    line = result.error_line()
    assert "unexpected" not in line
    return line


# --- an answer dripped a byte at a time ----------------------------------------------


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_dripped_answer_is_cut_off_at_the_timeout(
    tls: TestTls, env: dict[str, str], part: str
) -> None:
    with DripServer(tls, part=part) as server:
        url = f"{server.url}/adfs/ls/IdpInitiatedSignOn.aspx"
        result = run(["-e", url, "-u", USER, "-p", "adfs", "--timeout", "1"], env)
        # The client gave up long before the answer was complete.
        assert not server.completed
        assert server.bytes_sent < len(server.answer()[1]) // 2
    line = clean_error(result)
    assert "127.0.0.1" in line
    assert "did not answer within 1 s" in line
    assert "--timeout" in line


# --- a redirect that would carry the password to another host ------------------------


class Collector(EmulatorServer):
    """Records every request body it receives."""

    def __init__(self, tls: TestTls) -> None:
        super().__init__(tls)
        self.bodies: list[bytes] = []

    def handle(self, request: Request) -> Response:
        with self._lock:
            self.bodies.append(request.body)
        return Response.html("<html><title>thanks</title></html>")


class RedirectingIdp(EmulatorServer):
    """An AD FS login page whose form post is answered with ``status`` to ``target``."""

    def __init__(self, tls: TestTls, target: str, status: int) -> None:
        super().__init__(tls)
        self.target = target
        self.status = status
        self.bodies: list[bytes] = []

    def handle(self, request: Request) -> Response:
        if request.method == "GET":
            return Response.html(adfs_pages.login_page("/adfs/ls/"))
        with self._lock:
            self.bodies.append(request.body)
        if request.path == "/adfs/ls/":
            return Response.redirect(self.target, self.status)
        return Response.html(adfs_pages.error_page("An error occurred."))


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirect_never_carries_the_password_to_another_host(
    tls: TestTls, env: dict[str, str], status: int
) -> None:
    # Same CA, another port: another origin that the client would trust.
    with Collector(tls) as other:
        with RedirectingIdp(tls, f"{other.url}/collect", status) as idp:
            result = run(["-e", f"{idp.url}/adfs/ls/", "-u", USER, "-p", "adfs"], env)
            assert idp.requests_seen == [("GET", "/adfs/ls/"), ("POST", "/adfs/ls/")]
        assert other.bodies == []
        assert other.requests_seen == []
    line = clean_error(result)
    assert f"redirected the submitted form (HTTP {status}) to another host" in line
    assert PASSWORD not in result.stderr


def test_a_redirect_to_the_same_origin_keeps_the_body(tls: TestTls, env: dict[str, str]) -> None:
    with RedirectingIdp(tls, "/adfs/ls/again", 307) as idp:
        result = run(["-e", f"{idp.url}/adfs/ls/", "-u", USER, "-p", "adfs"], env)
        assert idp.requests_seen[-1] == ("POST", "/adfs/ls/again")
        assert len(idp.bodies) == 2
        assert idp.bodies[0] == idp.bodies[1]
        assert b"Password=" in idp.bodies[1]
    # The redirect was followed; the page it led to is not one AD FS would send.
    assert "redirected" not in clean_error(result)


# --- Okta JSON of unexpected shapes ---------------------------------------------------


def okta(idp: OktaEmulator) -> list[str]:
    return ["-e", idp.app_url, "-u", USER, "-p", "okta"]


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("embedded_list", "lists no factor that can be verified"),
        ("links_string", "lists no factor that can be verified"),
        ("deep_json", "JSON nested too deeply"),
    ],
)
def test_okta_answers_of_unexpected_shapes_are_one_clear_error(
    tls: TestTls, env: dict[str, str], shape: str, expected: str
) -> None:
    with OktaEmulator(tls, factors=["token"], hostile=shape) as idp:
        result = run(okta(idp), env)
    assert expected in clean_error(result)


def test_okta_factor_profile_of_another_type_is_read_as_no_details(
    tls: TestTls, env: dict[str, str]
) -> None:
    with OktaEmulator(tls, factors=["token"], hostile="profile_string") as idp:
        result = run(okta(idp), env, AWSPROCESSCREDS_MFA_CODE=idp.otp_code)
        assert idp.logins == 1
    assert result.code == 0, result.stderr
    result.credentials()


def test_okta_rate_limit_reset_that_is_not_a_number(tls: TestTls, env: dict[str, str]) -> None:
    with OktaEmulator(tls, hostile="rate_limit_nan") as idp:
        result = run(okta(idp), env)
        assert idp.authn_calls == 2
    assert result.code == 0, result.stderr
    result.credentials()


@pytest.mark.parametrize("charset", ["idna", "x-no-such-charset", "undefined"])
def test_an_odd_charset_reads_as_utf8(tls: TestTls, env: dict[str, str], charset: str) -> None:
    with OktaEmulator(tls, charset=charset) as idp:
        result = run(okta(idp), env)
        assert idp.logins == 1
    assert result.code == 0, result.stderr
    result.credentials()


# --- --mfa-factor where the provider has no such choice -------------------------------


def test_mfa_factor_is_refused_by_a_provider_that_does_not_honour_it(
    tls: TestTls, env: dict[str, str]
) -> None:
    with AdfsEmulator(tls, mfa="azure") as idp:
        result = run(["-e", idp.entry_url, "-u", USER, "-p", "adfs", "--mfa-factor", "push"], env)
        assert idp.password_posts == 0
    line = clean_error(result)
    assert "--mfa-factor" in line
    assert "adfs" in line
