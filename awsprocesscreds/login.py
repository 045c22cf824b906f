"""Getting credentials when the cache cannot serve them: log in, read the assertion,
pick the role, assume it, cache the result.

The parts (HTTP session, terminal, password store, STS client, clock, cache) are built
here, at the edge, and handed to the pieces that use them. One per-key lock wraps
check -> login -> write, so concurrent runs for the same profile log in once.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from awsprocesscreds import saml, sts
from awsprocesscreds.authenticators.base import Authenticator, LoginContext
from awsprocesscreds.cache import FileCache, cache_key
from awsprocesscreds.credentials import Credentials
from awsprocesscreds.errors import (
    AccountLocked,
    AuthenticationError,
    IdpResponseError,
    NoTerminal,
)
from awsprocesscreds.idp_sessions import SessionStore
from awsprocesscreds.interaction import Interactor, run_flow
from awsprocesscreds.kept_resume import resume_at_entry
from awsprocesscreds.passwords import PasswordStore, RememberingInteractor
from awsprocesscreds.registry import load_authenticator
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.roles import select_role
from awsprocesscreds.status import describe
from awsprocesscreds.sts_endpoint import StsSettings
from awsprocesscreds.terminal import PASSWORD_ENV, TerminalInteractor
from awsprocesscreds.turns import TerminalTurn

log = logging.getLogger(__name__)

#: Beyond the MFA timeout, how long a waiting run gives the first one to finish (the
#: person may take a while to type a password).
LOCK_MARGIN = 120.0
#: A refused password seen by another run this recently is not asked for again: each
#: retry would be one more strike towards the IdP's account lockout.
RECENT_FAILURE = 30.0


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def open_cache(request: CredentialRequest) -> FileCache | None:
    """The cache for ``request``: None with --no-cache, or (with a warning) when HOME
    cannot hold it."""
    return FileCache.of_home() if request.use_cache else None


def obtain(
    request: CredentialRequest,
    env: Mapping[str, str],
    *,
    interactor: Interactor | None = None,
    now: Callable[[], datetime] = _utc_now,
) -> Credentials:
    """Credentials for ``request``: from the cache, or from a login whose result is
    then cached. Raises the AwsProcessCredsError of whatever step failed."""
    cache = open_cache(request)
    key = cache_key(request.key_parts())
    # The terminal's lock is innermost: taken (lazily) inside the per-key lock and
    # released before it, so runs waiting on each other can never form a cycle.
    with _single_flight(cache, key, request) as contended, contextlib.ExitStack() as stack:
        if cache is not None:
            # Checked under the lock: another run may have just logged in.
            cached = cache.get(key, now())
            if cached is not None:
                return cached
            refusal = cache.recent_failure(key, RECENT_FAILURE) if contended else None
            if refusal is not None:
                raise AuthenticationError(f"{refusal} (seconds ago, in another run)")
        person = interactor or stack.enter_context(terminal_for(request, env))
        try:
            assertion = fetch_assertion(request, person, env)
        except AuthenticationError as exc:
            if cache is not None:
                cache.record_failure(key, str(exc))
            raise
        role = pick_role(request, assertion, person)
        credentials = assume(request, assertion, role, env, memory=cache)
        if cache is not None:
            if credentials.is_fresh(now()):
                cache.put(key, credentials, about=describe(request, role.role_arn))
            else:
                log.warning(
                    "these credentials expire in under 15 minutes, so they are not cached and "
                    "every AWS call will log in again; ask for --duration 1800 or more"
                )
        return credentials


def terminal_for(request: CredentialRequest, env: Mapping[str, str]) -> TerminalInteractor:
    """The person's terminal, taking turns with other runs on it (use it in a
    ``with`` block: its end is the end of this run's turn)."""
    turn = TerminalTurn(env, request.mfa_timeout + LOCK_MARGIN, use_home=request.use_cache)
    return TerminalInteractor(env, turn=turn)


@contextlib.contextmanager
def _single_flight(cache: FileCache | None, key: str, request: CredentialRequest) -> Iterator[bool]:
    if cache is None:
        yield False
        return
    with contextlib.ExitStack() as stack:
        try:
            contended = stack.enter_context(
                cache.lock(key, timeout=request.mfa_timeout + LOCK_MARGIN)
            )
        except OSError as exc:
            # An unwritable cache directory costs the cache, not the login.
            log.warning("cannot lock the credential cache (%s); logging in without it", exc)
            contended = False
        yield contended


def password_store(request: CredentialRequest) -> PasswordStore | None:
    """The keyring entry for this username at this IdP host, with --keyring only."""
    if not request.keyring:
        return None
    return PasswordStore(urlsplit(request.endpoint).hostname or request.endpoint, request.username)


def fetch_assertion(
    request: CredentialRequest, interactor: Interactor, env: Mapping[str, str]
) -> saml.SamlAssertion:
    """Log in to the IdP and return the parsed assertion. With --keyring, a stored
    password is tried first; if the IdP refuses it, it is forgotten and the person
    is asked once. A password given in the environment wins over the keyring and is
    not stored in it."""
    store = password_store(request)
    if store is not None and env.get(PASSWORD_ENV):
        log.debug("%s is set; the keyring is not used", PASSWORD_ENV)
        store = None
    if store is None:
        return saml.parse_assertion(_login(request, interactor, env))
    remembering = RememberingInteractor(interactor, store)
    try:
        encoded = _login(request, remembering, env)
    except AccountLocked:
        raise  # asking again would only be one more strike
    except AuthenticationError:
        if not remembering.used_stored:
            raise
        log.debug("the IdP refused the stored password; forgetting it and asking")
        store.delete()
        remembering = RememberingInteractor(interactor, store, use_stored=False)
        encoded = _login(request, remembering, env)
    remembering.save_typed()
    return saml.parse_assertion(encoded)


def _login(request: CredentialRequest, interactor: Interactor, env: Mapping[str, str]) -> str:
    authenticator_class = load_authenticator(request.provider)
    authenticator_class.check_request(request)
    log.debug("logging in to %s with %s", request.provider, authenticator_class.__name__)
    # --no-cache writes nothing under HOME: no kept session either.
    keep = request.use_idp_session and request.use_cache
    store = SessionStore.of_home() if keep else None
    if store is None:
        return _sign_in(request, interactor, authenticator_class, None, env)
    # One sign-in for every run of this user at this IdP, whatever role or profile:
    # the first signs in and keeps the session, the others wait here and use it.
    idp = (request.provider, urlsplit(request.endpoint).hostname or "", request.username)
    with contextlib.ExitStack() as stack:
        kept: tuple[SessionStore, tuple[str, str, str]] | None = None
        try:
            stack.enter_context(store.lock(*idp, timeout=request.mfa_timeout + LOCK_MARGIN))
            kept = (store, idp)
        except OSError as exc:
            log.warning("cannot use kept IdP sessions (%s); signing in without them", exc)
        return _sign_in(request, interactor, authenticator_class, kept, env)


def _sign_in(
    request: CredentialRequest,
    interactor: Interactor,
    authenticator_class: type[Authenticator],
    kept: tuple[SessionStore, tuple[str, str, str]] | None,
    env: Mapping[str, str],
) -> str:
    """Sign in: first with the kept session, if there is one and the IdP still takes
    it; else from scratch, keeping the new session afterwards."""
    own_resume = authenticator_class.resume is not Authenticator.resume
    url = authenticator_class.resume_url(request) if kept is not None else None
    if kept is not None and url:
        # One GET, sent with the standard library: all an hourly refresh costs while
        # the IdP knows the session (see kept_resume); requests is not even imported.
        jar = CookieJar()
        resumed = _try_kept(
            *kept,
            jar,
            lambda: resume_at_entry(url, jar, env, request.timeout),
            forget=not own_resume,
        )
        if resumed:
            return resumed
    from awsprocesscreds.http import IdpSession  # what a sign-in costs, not a refresh

    with IdpSession(read_timeout=request.timeout) as session:
        context = LoginContext(
            endpoint=request.endpoint,
            username=request.username,
            session=session,
            mfa_factor=request.mfa_factor,
            mfa_timeout=request.mfa_timeout,
            role_arn=request.role_arn,
            entity_id=request.entity_id,
            okta_client_id=request.okta_client_id,
            open_browser=None if request.no_browser else _open_browser,
        )
        authenticator = authenticator_class(context)
        if kept is not None and own_resume:
            resumed = _try_kept(
                *kept,
                session.cookies,
                lambda: run_flow(authenticator.resume(), interactor),
                forget=True,
            )
            if resumed:
                return resumed
        assertion = run_flow(authenticator.authenticate(), interactor)
        if kept is not None:
            store, idp = kept
            store.save(*idp, session.cookies)
        return assertion


def _try_kept(
    store: SessionStore,
    idp: tuple[str, str, str],
    cookies: CookieJar,
    resume: Callable[[], str | None],
    *,
    forget: bool,
) -> str | None:
    """The assertion ``resume`` gets with the kept session of ``idp`` loaded into
    ``cookies``; None when there is none or the IdP does not take it (then, with
    ``forget``, the kept session is forgotten and ``cookies`` emptied)."""
    if not store.load(*idp, cookies):
        return None
    try:
        resumed = resume()
    except IdpResponseError as exc:
        # A page the kept session leads to that we do not understand is no reason to
        # fail: the sign-in from scratch may well work.
        log.debug("the kept IdP session led to %s", exc)
        resumed = None
    if resumed:
        log.debug("signed in with the kept IdP session")
        return resumed
    if forget:
        log.debug("the IdP did not take the kept session; signing in")
        store.delete(*idp)
        cookies.clear()
    return None


def _open_browser(url: str) -> bool:
    from awsprocesscreds.browser import open_in_background

    return open_in_background(url, os.environ)


def pick_role(
    request: CredentialRequest, assertion: saml.SamlAssertion, interactor: Interactor
) -> saml.Role:
    """The role of -a, else the only one, else the person's choice from a menu."""
    log.debug("assertion grants %d role(s)", len(assertion.roles))
    try:
        role = run_flow(select_role(assertion.roles, request.role_arn), interactor)
    except NoTerminal:
        # Nobody to show the menu to: the error that lists the roles.
        role = saml.choose_role(assertion.roles, None)
    log.debug("role %s", role.role_arn)
    return role


def assume(
    request: CredentialRequest,
    assertion: saml.SamlAssertion,
    role: saml.Role,
    env: Mapping[str, str],
    memory: sts.DurationMemory | None = None,
) -> Credentials:
    """Exchange the assertion for ``role``'s credentials; ``memory`` keeps the session
    length each role accepts (the cache; see ``durations``)."""
    settings = StsSettings.from_env(env, timeout=request.timeout)
    client = sts.make_client(settings, role.partition, env)
    return sts.assume_role(client, assertion, role, request.duration, memory)
