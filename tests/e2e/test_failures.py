"""Network, TLS and usage failures: one clear stderr line, bounded time, nothing cached."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_runner import Run, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls


def fail(args: list[str], env: dict[str, str]) -> Run:
    return run_without_terminal(args, {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})


def test_untrusted_certificate(
    tls: TestTls, other_tls: TestTls, env: dict[str, str], home: Path
) -> None:
    with AdfsEmulator(other_tls) as idp:
        run = fail(["-e", idp.entry_url, "-u", USER, "-p", "adfs"], env)
        assert idp.password_posts == 0
    line = run.error_line()
    assert "TLS verification failed for 127.0.0.1" in line
    assert "REQUESTS_CA_BUNDLE" in line
    assert cache_files(home) == []


def test_ca_bundle_variable_is_honoured(other_tls: TestTls, env: dict[str, str]) -> None:
    with AdfsEmulator(other_tls) as idp:
        run = fail(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs"],
            {**env, "REQUESTS_CA_BUNDLE": str(other_tls.ca_file)},
        )
    assert run.code == 0, run.stderr


def test_plain_http_endpoint_is_refused(env: dict[str, str]) -> None:
    run = fail(["-e", "http://127.0.0.1:9/adfs/ls/", "-u", USER, "-p", "adfs"], env)
    assert "only https:// URLs are allowed" in run.error_line()


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]  # bound but not listening: connections are refused


def test_connection_refused(env: dict[str, str], closed_port: int) -> None:
    url = f"https://127.0.0.1:{closed_port}/adfs/ls/IdpInitiatedSignOn.aspx"
    run = fail(["-e", url, "-u", USER, "-p", "adfs"], env)
    assert "cannot connect to 127.0.0.1" in run.error_line()
    assert "connection refused" in run.error_line()


@pytest.mark.parametrize("provider", ["adfs", "okta"])
def test_server_that_never_answers_times_out(
    tls: TestTls, env: dict[str, str], tmp_path: Path, provider: str
) -> None:
    emulator = AdfsEmulator(tls, hang=True) if provider == "adfs" else OktaEmulator(tls, hang=True)
    with emulator as idp:
        url = idp.entry_url if isinstance(idp, AdfsEmulator) else idp.app_url
        started = time.monotonic()
        run = fail(["-e", url, "-u", USER, "-p", provider, "--timeout", "1"], env)
        elapsed = time.monotonic() - started
    assert "did not answer within 1 s" in run.error_line()
    assert elapsed < 20


def test_unknown_provider_lists_the_registered_ones(env: dict[str, str]) -> None:
    run = fail(["-e", "https://127.0.0.1:9/", "-u", USER, "-p", "pingone"], env)
    line = run.error_line()
    assert "unknown provider 'pingone'" in line
    assert "adfs, entra, form, keycloak, okta, pingfed, shibboleth, shibboleth-ecp" in line


@pytest.mark.parametrize(
    "args",
    [
        ["-u", USER, "-p", "adfs"],
        ["-e", "https://x", "-u", USER, "-p", "adfs", "--duration", "60"],
        ["-e", "https://x", "-u", USER, "-p", "adfs", "--mfa-factor", "carrier-pigeon"],
        ["-e", "https://x", "-u", USER, "-p", "adfs", "--timeout", "-1"],
    ],
)
def test_argument_errors_exit_2(env: dict[str, str], args: list[str]) -> None:
    run = run_without_terminal(args, env)
    assert run.code == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr


def test_version_and_help(env: dict[str, str]) -> None:
    version = run_without_terminal(["--version"], env)
    assert version.code == 0
    assert version.stdout.startswith("awsprocesscreds-saml ")
    helped = run_without_terminal(["--help"], env)
    assert helped.code == 0
    for option in ("--endpoint", "--username", "--provider", "--role-arn", "--no-cache"):
        assert option in helped.stdout


def test_sts_error_shows_code_and_message(
    tls: TestTls, env: dict[str, str], tmp_path: Path, closed_port: int
) -> None:
    with AdfsEmulator(tls) as idp:
        run = fail(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs"],
            {**env, "AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{closed_port}"},
        )
    assert "cannot reach AWS STS" in run.error_line()


def test_an_sts_setting_sts_cannot_use_is_refused_before_the_sign_in(
    tls: TestTls, env: dict[str, str]
) -> None:
    with AdfsEmulator(tls) as idp:
        run = fail(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs"],
            {**env, "AWS_STS_REGIONAL_ENDPOINTS": "global"},
        )
        assert idp.requests_seen == []
    assert "AWS_STS_REGIONAL_ENDPOINTS is 'global'; it must be legacy or regional" in (
        run.error_line()
    )


def test_interrupt_at_the_password_prompt_exits_130(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_cli(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs"],
            env,
            tmp_path,
            interrupt_after=r"Password for ",
        )
    assert run.code == 130
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_unwritable_cache_costs_the_cache_not_the_login(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    (home / ".aws").mkdir()
    (home / ".aws" / "awsprocesscreds").write_text("not a directory")
    with AdfsEmulator(tls) as idp:
        run = fail(["-e", idp.entry_url, "-u", USER, "-p", "adfs"], env)
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    run.credentials()
    assert "cannot lock the credential cache" in run.stderr


def test_https_proxy_is_honoured(tls: TestTls, env: dict[str, str]) -> None:
    from tests.emulators.proxy import ConnectProxy

    proxied = {k: v for k, v in env.items() if k != "NO_PROXY"}
    with ConnectProxy() as proxy, AdfsEmulator(tls) as idp:
        run = fail(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs"], {**proxied, "HTTPS_PROXY": proxy.url}
        )
        assert idp.logins == 1
        assert proxy.tunnels
        assert set(proxy.tunnels) == {f"127.0.0.1:{idp.port}"}
    assert run.code == 0, run.stderr


def test_sts_and_the_kept_session_go_through_the_proxy_too(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    """Both standard-library exchanges of a refresh (the kept session's GET, the STS
    call) honour HTTPS_PROXY as the sign-in does."""
    from tests.emulators.aws import StsEmulator
    from tests.emulators.proxy import ConnectProxy

    proxied = {k: v for k, v in env.items() if k != "NO_PROXY"}
    with ConnectProxy() as proxy, AdfsEmulator(tls) as idp, StsEmulator(tls) as sts:
        run_env = {
            **proxied,
            "HTTPS_PROXY": proxy.url,
            "AWS_ENDPOINT_URL_STS": sts.url,
            "AWS_CA_BUNDLE": str(tls.ca_file),
        }
        args = ["-e", idp.entry_url, "-u", USER, "-p", "adfs"]
        first = fail(args, {**run_env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
        signed_in = proxy.tunnels
        for path in cache_files(home):
            path.unlink()  # an hour later: the kept AD FS session serves the refresh
        refresh = fail(args, run_env)
        assert (idp.sign_ins, idp.session_reuses, sts.assumed) == (1, 1, 2)
        refreshed = proxy.tunnels[len(signed_in) :]
        idp_at, sts_at = f"127.0.0.1:{idp.port}", f"127.0.0.1:{sts.port}"
    assert first.code == 0, first.stderr
    assert refresh.code == 0, refresh.stderr
    assert set(signed_in) == {idp_at, sts_at}
    # One tunnel to the IdP (the redirect rides on it), one to STS.
    assert refreshed == [idp_at, sts_at]


def test_password_prompt_works_when_stdin_is_a_pipe(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    """As under git-remote-codecommit: stdin is a pipe, the terminal is still there."""
    with AdfsEmulator(tls) as idp:
        run = run_cli(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs"],
            env,
            tmp_path,
            [(r"Password for ", PASSWORD)],
            stdin_from="/dev/null",
        )
    assert run.code == 0, run.stderr
    run.credentials()
