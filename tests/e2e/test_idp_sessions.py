"""One sign-in per working day: five profiles (three roles in two accounts) at one IdP
share the IdP session the first sign-in kept, run one after another or all at once,
for every built-in provider with a browser session (all but Shibboleth's ECP); a
revoked session costs one normal sign-in; with --no-idp-session every profile signs
in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.cli_runner import Terminal, answer_prompts, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls
from tests.emulators.aws import StsEmulator
from tests.emulators.entra import EntraEmulator
from tests.emulators.keycloak import KeycloakEmulator
from tests.emulators.okta_idx import OktaIdxEmulator
from tests.emulators.pingfed import PingFedEmulator
from tests.emulators.shibboleth import ShibbolethEmulator

DEV = ("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/IdP")
AUDIT = ("arn:aws:iam::123456789012:role/Audit", "arn:aws:iam::123456789012:saml-provider/IdP")
OPS = ("arn:aws:iam::210987654321:role/Ops", "arn:aws:iam::210987654321:saml-provider/IdP")
ROLES = (DEV, AUDIT, OPS)
#: Five profiles: three roles in two accounts, two of them with another session length.
PROFILES = (
    ["-a", DEV[0]],
    ["-a", DEV[0], "--duration", "1800"],
    ["-a", AUDIT[0]],
    ["-a", OPS[0]],
    ["-a", OPS[0], "--duration", "1800"],
)
PROMPT = r"[Pp]assword for alice@example\.com: "
DEADLINE = 90.0

Factory = Callable[[TestTls], Any]
#: provider -> (its -p name, how to start it with the three roles, its entry URL)
IDPS: dict[str, tuple[str, Factory, Callable[[Any], str]]] = {
    "adfs": ("adfs", lambda tls: AdfsEmulator(tls, roles=ROLES), lambda idp: idp.entry_url),
    "adfs-azure-mfa": (
        "adfs",
        lambda tls: AdfsEmulator(tls, roles=ROLES, mfa="azure_number"),
        lambda idp: idp.entry_url,
    ),
    "okta-classic": (
        "okta",
        lambda tls: OktaEmulator(tls, roles=ROLES, factors=["push"]),
        lambda idp: idp.app_url,
    ),
    "okta-identity-engine": (
        "okta",
        lambda tls: OktaIdxEmulator(tls, roles=ROLES, authenticators=["okta_verify_push"]),
        lambda idp: idp.app_url,
    ),
    "entra": (
        "entra",
        lambda tls: EntraEmulator(tls, roles=ROLES, mfa=["PhoneAppNotification"]),
        lambda idp: idp.tenant_saml_url,
    ),
    "keycloak": (
        "keycloak",
        lambda tls: KeycloakEmulator(tls, roles=ROLES),
        lambda idp: idp.entry_url,
    ),
    "shibboleth": (
        "shibboleth",
        lambda tls: ShibbolethEmulator(tls, roles=ROLES),
        lambda idp: idp.entry_url,
    ),
    "pingfed": (
        "pingfed",
        lambda tls: PingFedEmulator(tls, roles=ROLES),
        lambda idp: idp.entry_url,
    ),
}


def args_of(provider: str, url: str, profile: list[str], *extra: str) -> list[str]:
    return ["-e", url, "-u", USER, "-p", provider, *profile, *extra]


@pytest.fixture(params=sorted(IDPS))
def idp_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_five_profiles_one_after_another_sign_in_once(
    tls: TestTls,
    sts_lite: tuple[StsEmulator, dict[str, str]],
    tmp_path: Path,
    idp_kind: str,
) -> None:
    sts, env = sts_lite
    provider, start, entry = IDPS[idp_kind]
    with start(tls) as idp:
        url = entry(idp)
        first = run_cli(args_of(provider, url, PROFILES[0]), env, tmp_path, [(PROMPT, PASSWORD)])
        others = [run_cli(args_of(provider, url, p), env, tmp_path) for p in PROFILES[1:]]
        assert idp.sign_ins == 1
        assert idp.session_reuses == 4
    for run in [first, *others]:
        assert run.code == 0, run.stderr
        run.credentials()
    assert [prompts(run.screen) for run in others] == [0, 0, 0, 0]
    assert len({run.credentials()["AccessKeyId"] for run in [first, *others]}) == 5
    assert sts.assumed == 5


def test_five_profiles_at_the_same_moment_prompt_once(
    tls: TestTls,
    sts_lite: tuple[StsEmulator, dict[str, str]],
    tmp_path: Path,
    idp_kind: str,
) -> None:
    _, env = sts_lite
    provider, start, entry = IDPS[idp_kind]
    with start(tls) as idp:
        url = entry(idp)
        terminals = [
            Terminal(args_of(provider, url, p), env, tmp_path, timeout=DEADLINE) for p in PROFILES
        ]
        shown = answer_prompts(terminals, PROMPT, PASSWORD, DEADLINE)
        runs = [terminal.finish() for terminal in terminals]
        assert idp.sign_ins == 1
        assert idp.session_reuses == 4
    assert shown == 1
    assert [run.code for run in runs] == [0] * 5, [run.stderr for run in runs]


def test_a_revoked_session_costs_one_normal_sign_in(
    tls: TestTls,
    sts_lite: tuple[StsEmulator, dict[str, str]],
    tmp_path: Path,
    idp_kind: str,
) -> None:
    _, env = sts_lite
    provider, start, entry = IDPS[idp_kind]
    with start(tls) as idp:
        url = entry(idp)
        first = run_cli(args_of(provider, url, PROFILES[0]), env, tmp_path, [(PROMPT, PASSWORD)])
        idp.revoke_sessions()
        again = run_cli(args_of(provider, url, PROFILES[2]), env, tmp_path, [(PROMPT, PASSWORD)])
        third = run_cli(args_of(provider, url, PROFILES[3]), env, tmp_path)
        assert idp.sign_ins == 2
        assert idp.session_reuses == 1
    assert first.code == 0, first.stderr
    assert again.code == 0, again.stderr
    assert prompts(again.screen) == 1
    assert third.code == 0, third.stderr
    assert prompts(third.screen) == 0


def test_without_kept_sessions_every_profile_signs_in(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path, home: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls, roles=ROLES) as idp:
        runs = [
            run_cli(
                args_of("adfs", idp.entry_url, p, "--no-idp-session"),
                env,
                tmp_path,
                [(PROMPT, PASSWORD)],
            )
            for p in PROFILES
        ]
        assert idp.sign_ins == 5
        assert idp.session_reuses == 0
    assert [run.code for run in runs] == [0] * 5
    assert not (home / ".aws" / "awsprocesscreds" / "sessions").exists()


def test_logout_forgets_the_kept_session(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path, home: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls, roles=ROLES) as idp:
        first = run_cli(
            args_of("adfs", idp.entry_url, PROFILES[0]), env, tmp_path, [(PROMPT, PASSWORD)]
        )
        assert first.code == 0, first.stderr
        sessions = home / ".aws" / "awsprocesscreds" / "sessions"
        assert len(list(sessions.glob("*.session"))) == 1
        logout = run_without_terminal(["logout", *args_of("adfs", idp.entry_url, PROFILES[0])], env)
        assert "Forgot 1 kept IdP session." in logout.stdout
        assert list(sessions.glob("*.session")) == []
        again = run_cli(
            args_of("adfs", idp.entry_url, PROFILES[2]), env, tmp_path, [(PROMPT, PASSWORD)]
        )
        assert again.code == 0, again.stderr
        assert idp.sign_ins == 2
        everything = run_without_terminal(["logout", "--all"], env)
        assert "Forgot 1 kept IdP session." in everything.stdout
        assert list(sessions.glob("*.session")) == []


def test_the_kept_session_file_holds_cookies_only_in_private(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path, home: Path
) -> None:
    _, env = sts_lite
    with EntraEmulator(tls, roles=ROLES) as idp:
        run = run_cli(
            args_of("entra", idp.tenant_saml_url, PROFILES[0]), env, tmp_path, [(PROMPT, PASSWORD)]
        )
    assert run.code == 0, run.stderr
    [kept] = (home / ".aws" / "awsprocesscreds" / "sessions").glob("*.session")
    assert kept.stat().st_mode & 0o777 == 0o600
    text = kept.read_text()
    assert PASSWORD not in text
    assert run.credentials()["SecretAccessKey"] not in text
    assert "ESTSAUTH" in text


@pytest.mark.parametrize("kind", ["adfs", "keycloak"])
def test_a_revoked_session_costs_one_extra_get_not_two(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path, kind: str
) -> None:
    """The GET with the kept session lands on the login page: the sign-in starts from
    there at once, without the provider's own resume fetching that page again."""
    _, env = sts_lite
    idp: AdfsEmulator | KeycloakEmulator = (
        AdfsEmulator(tls, roles=ROLES) if kind == "adfs" else KeycloakEmulator(tls, roles=ROLES)
    )
    with idp:
        url = idp.entry_url
        entry = urlsplit(url).path
        first = run_cli(args_of(kind, url, PROFILES[0]), env, tmp_path, [(PROMPT, PASSWORD)])
        idp.revoke_sessions()
        seen = len(idp.requests_seen)
        again = run_cli(args_of(kind, url, PROFILES[2]), env, tmp_path, [(PROMPT, PASSWORD)])
        gets = [
            path for method, path in idp.requests_seen[seen:] if (method, path) == ("GET", entry)
        ]
        assert idp.sign_ins == 2
    assert first.code == 0, first.stderr
    assert again.code == 0, again.stderr
    assert len(gets) == 2  # the kept session's GET, then the sign-in's
