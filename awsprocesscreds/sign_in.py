"""Signing in at the IdP: the kept IdP session first, else the provider's sign-in.

One lock per provider, IdP host and user makes every run of that user at that IdP,
whatever its role or profile, sign in once: the first signs in and keeps the session,
the others wait and use it. A kept session is tried with one standard-library GET of
the provider's ``resume_url`` (``kept_resume``), so a refresh never imports requests;
for the built-in providers whose ``resume_url`` is the entry URL
(``registry.RESUMED_AT_ENTRY``) that GET goes before the provider is even loaded. A
provider's own ``resume`` then walks what that GET could not. Only a sign-in from
scratch builds the requests session (``http.IdpSession``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.idp_sessions import SessionStore
from awsprocesscreds.kept_resume import KeptAnswer, resume_at_entry
from awsprocesscreds.logs import logger
from awsprocesscreds.request import CredentialRequest

# The provider's module, the authenticator interface and the flow driver are imported
# when the kept session is not enough: a refresh on one needs none of them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from awsprocesscreds.authenticators.base import Authenticator
    from awsprocesscreds.interaction import Interactor

log = logger(__name__)

#: Beyond the MFA timeout, how long a waiting run gives the first one to finish (the
#: person may take a while to type a password).
LOCK_MARGIN = 120.0


def sign_in(request: CredentialRequest, interactor: Interactor, env: Mapping[str, str]) -> str:
    """The base64 SAMLResponse of a sign-in at ``request``'s IdP: with the kept IdP
    session when the IdP still takes it, else from scratch (then keeping its session),
    under one lock per provider, IdP host and user. Raises what the sign-in raises."""
    # A provider that tries the entry URL first is loaded only when that GET is not
    # enough; any other is loaded (and checks the request) before anything else.
    at_entry = _resumes_at_entry(request)
    provider = None if at_entry else _authenticator(request)
    # --no-cache writes nothing under HOME: no kept session either.
    keep = request.use_idp_session and request.use_cache
    store = SessionStore.of_home() if keep else None
    if store is None:
        return _sign_in(request, interactor, provider, None, env)
    # One sign-in for every run of this user at this IdP, whatever role or profile:
    # the first signs in and keeps the session, the others wait here and use it.
    idp = (request.provider, urlsplit(request.endpoint).hostname or "", request.username)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(store.lock(*idp, timeout=request.mfa_timeout + LOCK_MARGIN))
        except OSError as exc:
            log.warning("cannot use kept IdP sessions (%s); signing in without them", exc)
            return _sign_in(request, interactor, provider, None, env)
        tried = None
        if at_entry:
            # Sent before the provider's module is even imported: while the IdP knows
            # the session, this GET and the STS call are all an hourly refresh costs.
            tried = _try_at_entry(store, idp, request.endpoint, request, env)
            if tried.assertion:
                return tried.assertion
        return _sign_in(request, interactor, provider, (store, idp), env, tried=tried)


def _authenticator(request: CredentialRequest) -> type[Authenticator]:
    """The provider's authenticator class, once it has checked ``request``."""
    from awsprocesscreds.registry import load_authenticator

    authenticator_class = load_authenticator(request.provider)
    authenticator_class.check_request(request)
    log.debug("logging in to %s with %s", request.provider, authenticator_class.__name__)
    return authenticator_class


def _resumes_at_entry(request: CredentialRequest) -> bool:
    """True when ``request``'s provider tries a kept session with a GET of the entry
    URL first (``registry.RESUMED_AT_ENTRY``) and ``request`` holds nothing its
    ``check_request`` could refuse: that GET may then go before the provider is
    loaded, and a refusal still comes before any request."""
    from awsprocesscreds.registry import RESUMED_AT_ENTRY

    return (
        request.provider in RESUMED_AT_ENTRY
        and request.mfa_factor is None
        and not request.provider_options_given()
    )


def _sign_in(
    request: CredentialRequest,
    interactor: Interactor,
    provider: type[Authenticator] | None,
    kept: tuple[SessionStore, tuple[str, str, str]] | None,
    env: Mapping[str, str],
    *,
    tried: KeptAnswer | None = None,
) -> str:
    """Sign in: first with the kept session, if there is one and the IdP still takes
    it; else from scratch, keeping the new session afterwards. ``provider`` is the
    authenticator class if it is loaded already; ``tried`` is what the GET of the
    provider's ``resume_url`` already found, if it was sent."""
    from awsprocesscreds.authenticators.base import Authenticator, LoginContext
    from awsprocesscreds.interaction import run_flow

    authenticator_class = provider or _authenticator(request)

    # A provider's own resume walks what one GET cannot (pages the IdP answers by itself).
    walk_on = kept is not None and authenticator_class.resume is not Authenticator.resume
    url = authenticator_class.resume_url(request) if kept is not None else None
    if kept is not None and url and tried is None:
        tried = _try_at_entry(*kept, url, request, env)
        if tried.assertion:
            return tried.assertion
    if kept is not None and tried is not None:
        # A login page ends it: walking on would only fetch that page again.
        walk_on = walk_on and tried.goes_on
        if not walk_on:
            _forget(*kept)
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
        if kept is not None and walk_on:
            walked = _try_kept(
                *kept,
                session.cookies,
                lambda: KeptAnswer(run_flow(authenticator.resume(), interactor)),
            )
            if walked.assertion:
                return walked.assertion
            _forget(*kept)
            session.cookies.clear()
        assertion = run_flow(authenticator.authenticate(), interactor)
        if kept is not None:
            store, idp = kept
            store.save(*idp, session.cookies)
        return assertion


def _try_at_entry(
    store: SessionStore,
    idp: tuple[str, str, str],
    url: str,
    request: CredentialRequest,
    env: Mapping[str, str],
) -> KeptAnswer:
    """One GET of ``url`` with the kept session, sent with the standard library (see
    ``kept_resume``): requests is not even imported."""
    jar = CookieJar()
    return _try_kept(store, idp, jar, lambda: resume_at_entry(url, jar, env, request.timeout))


def _try_kept(
    store: SessionStore,
    idp: tuple[str, str, str],
    cookies: CookieJar,
    resume: Callable[[], KeptAnswer],
) -> KeptAnswer:
    """What ``resume`` finds with the kept session of ``idp`` loaded into ``cookies``;
    no assertion when there is no kept session or the IdP does not take it."""
    if not store.load(*idp, cookies):
        return KeptAnswer(None)
    try:
        answer = resume()
    except IdpResponseError as exc:
        # A page the kept session leads to that we do not understand is no reason to
        # fail: the sign-in from scratch may well work.
        log.debug("the kept IdP session led to %s", exc)
        return KeptAnswer(None)
    if answer.assertion:
        log.debug("signed in with the kept IdP session")
    return answer


def _forget(store: SessionStore, idp: tuple[str, str, str]) -> None:
    if store.delete(*idp):
        log.debug("the IdP did not take the kept session; signing in")


def _open_browser(url: str) -> bool:
    from awsprocesscreds.browser import open_in_background

    return open_in_background(url, os.environ)
