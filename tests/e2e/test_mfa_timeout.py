"""--mfa-timeout is the only bound on waiting for a person: the login flows, stepped
with ``send()`` against the emulators, with a fake clock that moves only when the flow
asks to wait (no real waiting)."""

from __future__ import annotations

import pytest

from awsprocesscreds.authenticators import adfs, okta_mfa
from awsprocesscreds.authenticators.adfs import AdfsAuthenticator
from awsprocesscreds.authenticators.base import Authenticator, LoginContext
from awsprocesscreds.authenticators.okta import OktaAuthenticator
from awsprocesscreds.errors import MfaError
from awsprocesscreds.http import IdpSession
from awsprocesscreds.interaction import Flow, Prompt, Wait, polls_within
from tests.conftest import PASSWORD, USER
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls


class FakeClock:
    """Monotonic seconds that advance only by the waits the flow asks for."""

    def __init__(self, moves: bool = True) -> None:
        self.now = 1000.0
        self.moves = moves

    def __call__(self) -> float:
        return self.now


def drive(flow: Flow[str], clock: FakeClock, limit: int = 5000) -> tuple[BaseException, int]:
    """Answer ``flow`` until it raises; return the error and how many waits it asked."""
    answer: object = None
    waits = 0
    for _ in range(limit):
        try:
            step = flow.send(answer)
        except Exception as exc:  # the flow's own error is the result
            return exc, waits
        answer = PASSWORD if isinstance(step, Prompt) else None
        if isinstance(step, Wait):
            waits += 1
            if clock.moves:
                clock.now += step.seconds
    raise AssertionError(f"the flow was still going after {limit} steps")


def login(
    tls: TestTls, cls: type[Authenticator], url: str, timeout: float, clock: FakeClock
) -> tuple[BaseException, int]:
    with IdpSession() as session:
        # requests lets REQUESTS_CA_BUNDLE of this process beat session.verify.
        session.trust_env = False
        session.verify = str(tls.ca_file)
        context = LoginContext(url, USER, session, mfa_timeout=timeout, monotonic=clock)
        return drive(cls(context).authenticate(), clock)


def test_adfs_waits_for_the_whole_mfa_timeout_beyond_the_old_page_cap(tls: TestTls) -> None:
    timeout = 1200.0  # the old cap (200 pages, 3 s apart) stopped at about 600 s
    with AdfsEmulator(tls, mfa="azure", mfa_outcome="never") as idp:
        error, waits = login(tls, AdfsAuthenticator, idp.entry_url, timeout, FakeClock())
    assert isinstance(error, MfaError), error
    assert "within 1200 s" in str(error)
    assert "--mfa-timeout" in str(error)
    assert waits >= timeout // adfs.POLL_INTERVAL


def test_okta_push_waits_for_the_whole_mfa_timeout_beyond_the_old_poll_cap(
    tls: TestTls,
) -> None:
    timeout = 1500.0  # the old cap (600 polls, 2 s apart) stopped at about 1200 s
    with OktaEmulator(tls, factors=["push"], push_outcome="never") as idp:
        error, waits = login(tls, OktaAuthenticator, idp.app_url, timeout, FakeClock())
    assert isinstance(error, MfaError), error
    assert "within 1500 s" in str(error)
    assert "--mfa-timeout" in str(error)
    assert waits >= timeout // okta_mfa.POLL_INTERVAL


@pytest.mark.parametrize("provider", ["adfs", "okta"])
def test_a_clock_that_never_moves_still_ends_the_wait(tls: TestTls, provider: str) -> None:
    clock = FakeClock(moves=False)
    if provider == "adfs":
        with AdfsEmulator(tls, mfa="azure", mfa_outcome="never") as adfs_idp:
            error, waits = login(tls, AdfsAuthenticator, adfs_idp.entry_url, 30, clock)
        bound = polls_within(30, adfs.POLL_INTERVAL)
    else:
        with OktaEmulator(tls, factors=["push"], push_outcome="never") as okta_idp:
            error, waits = login(tls, OktaAuthenticator, okta_idp.app_url, 30, clock)
        bound = polls_within(30, okta_mfa.POLL_INTERVAL)
    assert isinstance(error, MfaError), error
    assert "--mfa-timeout" in str(error)
    assert 0 < waits <= bound
