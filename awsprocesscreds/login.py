"""The cache-miss path: log in, read the assertion, assume the role, cache the result.

The parts (HTTP session, terminal, STS client, clock, cache) are built here, at the
edge, and handed to the pieces that use them. One per-key lock wraps
check -> login -> write, so concurrent runs for the same profile log in once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone

from awsprocesscreds import saml, sts
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.cache import FileCache
from awsprocesscreds.credentials import Credentials
from awsprocesscreds.errors import AuthenticationError
from awsprocesscreds.http import IdpSession
from awsprocesscreds.interaction import Interactor, run_flow
from awsprocesscreds.registry import load_authenticator
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.terminal import TerminalInteractor

log = logging.getLogger(__name__)

#: Beyond the MFA timeout, how long a waiting run gives the first one to finish (the
#: person may take a while to type a password).
LOCK_MARGIN = 120.0
#: A refused password seen by another run this recently is not asked for again: each
#: retry would be one more strike towards the IdP's account lockout.
RECENT_FAILURE = 30.0


def login(
    request: CredentialRequest,
    cache: FileCache | None,
    key: str,
    env: Mapping[str, str],
    *,
    interactor: Interactor | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Credentials:
    """Credentials for ``request``, from a fresh login unless another run just cached
    them. Raises the AwsProcessCredsError of whatever step failed."""
    with _single_flight(cache, key, request) as contended:
        if cache is not None:
            # Another run may have logged in between our miss and taking the lock,
            # whether or not we had to wait for it.
            cached = cache.get(key, now())
            if cached is not None:
                log.debug("another run logged in meanwhile; using its credentials")
                return cached
        if cache is not None and contended:
            refusal = cache.recent_failure(key, RECENT_FAILURE)
            if refusal is not None:
                raise AuthenticationError(f"{refusal} (seconds ago, in another run)")
        try:
            credentials = _login(request, env, interactor or TerminalInteractor(env))
        except AuthenticationError as exc:
            if cache is not None:
                cache.record_failure(key, str(exc))
            raise
        if cache is not None:
            cache.put(key, credentials)
        return credentials


@contextlib.contextmanager
def _single_flight(cache: FileCache | None, key: str, request: CredentialRequest) -> Iterator[bool]:
    if cache is None:
        yield False
        return
    with cache.lock(key, timeout=request.mfa_timeout + LOCK_MARGIN) as contended:
        yield contended


def _login(
    request: CredentialRequest, env: Mapping[str, str], interactor: Interactor
) -> Credentials:
    authenticator_class = load_authenticator(request.provider)
    log.debug("logging in to %s with %s", request.provider, authenticator_class.__name__)
    with IdpSession(read_timeout=request.timeout) as session:
        context = LoginContext(
            endpoint=request.endpoint,
            username=request.username,
            session=session,
            mfa_factor=request.mfa_factor,
            mfa_timeout=request.mfa_timeout,
        )
        encoded = run_flow(authenticator_class(context).authenticate(), interactor)
    assertion = saml.parse_assertion(encoded)
    log.debug("assertion grants %d role(s)", len(assertion.roles))
    role = saml.choose_role(assertion.roles, request.role_arn)
    log.debug("role %s", role.role_arn)
    settings = sts.StsSettings.from_env(env, timeout=request.timeout)
    # The client is built only now that the assertion is in hand: botocore's import
    # and setup cost nothing when the login fails.
    client = sts.make_client(settings, role.partition)
    return sts.assume_role(client, assertion, role, request.duration)
