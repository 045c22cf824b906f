"""Getting credentials when the cache cannot serve them: sign in (``sign_in``), read
the assertion, pick the role, assume it, cache the result.

The parts (terminal, password store, STS client, clock, cache) are built here, at the
edge, and handed to the pieces that use them. One per-key lock wraps
check -> login -> write, so concurrent runs for the same profile log in once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from urllib.parse import urlsplit

from awsprocesscreds import saml, sts
from awsprocesscreds.cache import FileCache, cache_key
from awsprocesscreds.credentials import Credentials
from awsprocesscreds.errors import AccountLocked, AuthenticationError, NoTerminal
from awsprocesscreds.logs import logger
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.sign_in import LOCK_MARGIN, sign_in
from awsprocesscreds.status import describe
from awsprocesscreds.sts_endpoint import StsSettings

# The terminal, the keyring and the flow driver are imported when a sign-in needs the
# person: an hourly refresh on a kept IdP session never does (see ``LaterTerminal``).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from awsprocesscreds.interaction import Choose, Interactor, Notify, Prompt, Wait
    from awsprocesscreds.passwords import PasswordStore
    from awsprocesscreds.terminal import TerminalInteractor

log = logger(__name__)

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
    # Read first: a setting STS cannot use must not cost a sign-in.
    settings = StsSettings.from_env(env, timeout=request.timeout)
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
        person = interactor or LaterTerminal(request, env, stack)
        try:
            assertion = fetch_assertion(request, person, env)
        except AuthenticationError as exc:
            if cache is not None:
                cache.record_failure(key, str(exc))
            raise
        role = pick_role(request, assertion, person)
        credentials = assume(
            settings, assertion, role, env, duration=request.duration, memory=cache
        )
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
    from awsprocesscreds.terminal import TerminalInteractor
    from awsprocesscreds.turns import TerminalTurn

    turn = TerminalTurn(env, request.mfa_timeout + LOCK_MARGIN, use_home=request.use_cache)
    return TerminalInteractor(env, turn=turn)


class LaterTerminal:
    """The person's terminal (``terminal_for``), opened at the first step that needs
    it and closed with ``stack``: a run that asks nothing (a refresh on a kept IdP
    session, a role given with -a) never loads the terminal's code."""

    def __init__(
        self, request: CredentialRequest, env: Mapping[str, str], stack: contextlib.ExitStack
    ) -> None:
        self._request = request
        self._env = env
        self._stack = stack
        self._terminal: TerminalInteractor | None = None

    def _opened(self) -> TerminalInteractor:
        if self._terminal is None:
            self._terminal = self._stack.enter_context(terminal_for(self._request, self._env))
        return self._terminal

    def prompt(self, step: Prompt) -> str:
        return self._opened().prompt(step)

    def choose(self, step: Choose) -> int:
        return self._opened().choose(step)

    def notify(self, step: Notify) -> None:
        self._opened().notify(step)

    def wait(self, step: Wait) -> None:
        self._opened().wait(step)


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
    from awsprocesscreds.passwords import PasswordStore

    return PasswordStore(urlsplit(request.endpoint).hostname or request.endpoint, request.username)


def fetch_assertion(
    request: CredentialRequest, interactor: Interactor, env: Mapping[str, str]
) -> saml.SamlAssertion:
    """Log in to the IdP and return the parsed assertion. With --keyring, a stored
    password is tried first; if the IdP refuses it, it is forgotten and the person
    is asked once. A password given in the environment wins over the keyring and is
    not stored in it."""
    store = password_store(request)
    if store is not None:
        from awsprocesscreds.terminal import PASSWORD_ENV

        if env.get(PASSWORD_ENV):
            log.debug("%s is set; the keyring is not used", PASSWORD_ENV)
            store = None
    if store is None:
        return saml.parse_assertion(sign_in(request, interactor, env))
    from awsprocesscreds.passwords import RememberingInteractor

    remembering = RememberingInteractor(interactor, store)
    try:
        encoded = sign_in(request, remembering, env)
    except AccountLocked:
        raise  # asking again would only be one more strike
    except AuthenticationError:
        if not remembering.used_stored:
            raise
        log.debug("the IdP refused the stored password; forgetting it and asking")
        store.delete()
        remembering = RememberingInteractor(interactor, store, use_stored=False)
        encoded = sign_in(request, remembering, env)
    remembering.save_typed()
    return saml.parse_assertion(encoded)


def pick_role(
    request: CredentialRequest, assertion: saml.SamlAssertion, interactor: Interactor
) -> saml.Role:
    """The role of -a, else the only one, else the person's choice from a menu."""
    log.debug("assertion grants %d role(s)", len(assertion.roles))
    role = saml.evident_role(assertion.roles, request.role_arn)
    if role is None:  # a menu: only now the flow driver (and, through it, the terminal)
        from awsprocesscreds.interaction import run_flow
        from awsprocesscreds.roles import select_role

        try:
            role = run_flow(select_role(assertion.roles, request.role_arn), interactor)
        except NoTerminal:
            # Nobody to show the menu to: the error that lists the roles.
            role = saml.choose_role(assertion.roles, None)
    log.debug("role %s", role.role_arn)
    return role


def assume(
    settings: StsSettings,
    assertion: saml.SamlAssertion,
    role: saml.Role,
    env: Mapping[str, str],
    *,
    duration: int | None,
    memory: sts.DurationMemory | None = None,
) -> Credentials:
    """Exchange the assertion for ``role``'s credentials at the STS of ``settings``;
    ``memory`` keeps the session length each role accepts (the cache; see
    ``durations``)."""
    client = sts.make_client(settings, role.partition, env)
    return sts.assume_role(client, assertion, role, duration, memory)
