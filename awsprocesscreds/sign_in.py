"""Signing in at the IdP: the kept IdP session first, else the provider's sign-in.

One lock per provider, IdP host and user makes every run of that user at that IdP,
whatever its role or profile, sign in once: the first signs in and keeps the session,
the others wait and use it. A kept session is tried with one standard-library GET of
the provider's ``resume_url`` (``kept_resume``), so a refresh never imports requests;
a provider's own ``resume`` then walks what that GET could not. Only a sign-in from
scratch builds the requests session (``http.IdpSession``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from awsprocesscreds.authenticators.base import Authenticator, LoginContext
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.idp_sessions import SessionStore
from awsprocesscreds.interaction import Interactor, run_flow
from awsprocesscreds.kept_resume import KeptAnswer, resume_at_entry
from awsprocesscreds.registry import load_authenticator
from awsprocesscreds.request import CredentialRequest

log = logging.getLogger(__name__)

#: Beyond the MFA timeout, how long a waiting run gives the first one to finish (the
#: person may take a while to type a password).
LOCK_MARGIN = 120.0


def sign_in(request: CredentialRequest, interactor: Interactor, env: Mapping[str, str]) -> str:
    """The base64 SAMLResponse of a sign-in at ``request``'s IdP: with the kept IdP
    session when the IdP still takes it, else from scratch (then keeping its session),
    under one lock per provider, IdP host and user. Raises what the sign-in raises."""
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
    # A provider's own resume walks what one GET cannot (pages the IdP answers by itself).
    walk_on = kept is not None and authenticator_class.resume is not Authenticator.resume
    url = authenticator_class.resume_url(request) if kept is not None else None
    if kept is not None and url:
        # One GET, sent with the standard library: all an hourly refresh costs while
        # the IdP knows the session (see kept_resume); requests is not even imported.
        jar = CookieJar()
        answer = _try_kept(*kept, jar, lambda: resume_at_entry(url, jar, env, request.timeout))
        if answer.assertion:
            return answer.assertion
        # A login page ends it: walking on would only fetch that page again.
        walk_on = walk_on and answer.goes_on
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
