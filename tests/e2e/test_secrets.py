"""Secrets never reach logs, errors or files other than the cache, even with -v."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.cli_runner import Run, run_cli
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls
from tests.emulators.entra import EntraEmulator
from tests.emulators.okta_idx import OktaIdxEmulator

#: base64 of "<saml" / "<samlp" / "<saml2p": the start of any encoded SAML response.
SAML_PREFIXES = ("PHNhbWw", "PHNhbWxw", "PHNhbWwyc")
LONG_BASE64 = re.compile(r"[A-Za-z0-9+/=]{80,}")


def assert_no_secrets(run: Run, home: Path, *others: str) -> None:
    credentials = run.credentials()
    secrets = [PASSWORD, credentials["SecretAccessKey"], credentials["SessionToken"], *others]
    logs = run.stderr
    assert run.stderr.strip(), "expected -v output"
    for secret in secrets:
        assert secret not in logs
    assert not any(prefix in logs for prefix in SAML_PREFIXES)
    assert not LONG_BASE64.search(logs)
    assert "token=" not in logs  # Okta's one-time session token travels in a query
    # Only the cache holds the credentials; nothing under HOME holds the password.
    for path in home.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert PASSWORD not in text, path
            if path not in cache_files(home):
                assert credentials["SecretAccessKey"] not in text, path


def test_adfs_verbose_with_one_time_code(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls, mfa="azure_otp", otp_code="918273") as idp:
        run = run_cli(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs", "-v"],
            env,
            tmp_path,
            [(r"Password for ", PASSWORD), (r"Verification code: ", idp.otp_code)],
        )
    assert run.code == 0, run.stderr
    assert "cache miss" in run.stderr
    assert_no_secrets(run, home, idp.otp_code)


@pytest.mark.parametrize("factors", [(), ("sms",)])
def test_okta_verbose(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, factors: tuple[str, ...]
) -> None:
    with OktaEmulator(tls, factors=factors) as idp:
        dialogue = [(r"Okta password for ", PASSWORD)]
        if factors:
            dialogue.append((r"SMS code.*: ", idp.sms_code))
        run = run_cli(["-e", idp.app_url, "-u", USER, "-p", "okta", "-v"], env, tmp_path, dialogue)
    assert run.code == 0, run.stderr
    assert_no_secrets(run, home, idp.sms_code)


def test_failed_login_error_shows_no_password(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls) as idp:
        run = run_cli(
            ["-e", idp.app_url, "-u", USER, "-p", "okta", "-v"],
            env,
            tmp_path,
            [(r"Okta password for ", "hunter2-wrong")],
        )
    assert run.code == 1
    assert "hunter2-wrong" not in run.stderr
    assert "hunter2-wrong" not in run.stdout


def test_entra_verbose_with_a_code_and_the_federated_path(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with EntraEmulator(tls, mfa=["PhoneAppOTP"], otp_code="918273") as idp:
        run = run_cli(
            ["-e", idp.user_access_url, "-u", USER, "-p", "entra", "-v"],
            env,
            tmp_path,
            [(r"Password for ", PASSWORD), (r"Code from Microsoft Authenticator: ", "918273")],
        )
    assert run.code == 0, run.stderr
    assert "SAMLRequest" not in run.stderr  # the portal's request travels in a query
    assert_no_secrets(run, home, "918273")
    federated = "bob@corp.example.com"
    with (
        AdfsEmulator(tls, users={federated: PASSWORD}) as adfs,
        EntraEmulator(tls, adfs=adfs, federated_domains=["corp.example.com"]) as idp,
    ):
        run = run_cli(
            ["-e", idp.tenant_saml_url, "-u", federated, "-p", "entra", "-v", "--no-cache"],
            env,
            tmp_path,
            [(r"Password for ", PASSWORD)],
        )
    assert run.code == 0, run.stderr
    assert "wresult" not in run.stderr
    assert_no_secrets(run, home)


def test_okta_device_flow_verbose_logs_no_token(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    script = tmp_path / "browser.py"
    script.write_text(
        "import ssl, sys, urllib.request\n"
        "url = sys.argv[1].replace('/activate', '/test/device/approve')\n"
        f"context = ssl.create_default_context(cafile={env['REQUESTS_CA_BUNDLE']!r})\n"
        "urllib.request.urlopen(url, context=context, timeout=10).read()\n"
    )
    browser = {**env, "BROWSER": f"{sys.executable} {script} %s"}
    with OktaIdxEmulator(tls) as idp:
        args = ["-e", idp.app_url, "-u", USER, "-p", "okta", "-v"]
        run = run_cli([*args, "--okta-client-id", "0oaDEVICECLIENTEXAMPLE"], browser, tmp_path)
    assert run.code == 0, run.stderr
    for name in ("device_code", "access_token", "id_token", "Bearer"):
        assert name not in run.stderr
    assert_no_secrets(run, home)


def test_a_refresh_on_a_kept_session_logs_no_cookie(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    """The refresh's own HTTP client (the standard library's) logs like the sign-in's:
    method, URL without query, status; never the kept cookies or the assertion."""
    with AdfsEmulator(tls) as idp:
        args = ["-e", idp.entry_url, "-u", USER, "-p", "adfs"]
        first = run_cli(args, env, tmp_path, [(r"Password for ", PASSWORD)])
        assert first.code == 0, first.stderr
        [kept] = (home / ".aws" / "awsprocesscreds" / "sessions").glob("*.session")
        cookies = [entry["value"] for entry in json.loads(kept.read_text())["cookies"]]
        for path in cache_files(home):
            path.unlink()  # an hour later
        run = run_cli([*args, "-v"], env, tmp_path, [])
        assert (idp.sign_ins, idp.session_reuses) == (1, 1)
    assert run.code == 0, run.stderr
    assert "signed in with the kept IdP session" in run.stderr
    assert "GET https://127.0.0.1" in run.stderr
    assert cookies
    assert_no_secrets(run, home, *cookies)
