"""The authenticator interface every identity provider implements.

An authenticator turns a username (and whatever the person types) into the base64
SAMLResponse of the IdP. ``authenticate`` is a generator flow (see ``interaction``):
it does HTTP through the session it was given and yields ``Prompt``/``Choose``/
``Notify``/``Wait`` steps for everything else, so it never touches the terminal or
the clock itself. Everything after the assertion (parsing, STS, cache, output) is
shared and not the authenticator's business.

A third-party provider is a subclass registered in the entry-point group
``awsprocesscreds.authenticators``; the built-in ``adfs`` and ``okta`` register the
same way.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from awsprocesscreds.errors import ConfigurationError
from awsprocesscreds.interaction import Flow
from awsprocesscreds.request import DEFAULT_MFA_TIMEOUT, PROVIDER_OPTIONS, CredentialRequest

if TYPE_CHECKING:
    import requests


@dataclass(frozen=True)
class LoginContext:
    """Everything an authenticator may use, built once at the CLI edge."""

    endpoint: str
    username: str
    session: requests.Session
    #: The factor the person asked for (``push``, ``totp``...), or None to ask/auto-pick.
    mfa_factor: str | None = None
    #: How long to wait, in total, for a push approval or a similar out-of-band factor.
    mfa_timeout: float = DEFAULT_MFA_TIMEOUT
    #: The role asked for with -a (a provider may derive the AWS partition from it).
    role_arn: str | None = None
    #: The application's SAML identifier (``--entity-id``), for providers that honour it.
    entity_id: str | None = None
    #: Okta's device-authorization flow (``--okta-client-id``), and how to show its
    #: sign-in address: ``open_browser(url)`` opens it and says whether a browser
    #: started; None with ``--no-browser``.
    okta_client_id: str | None = None
    open_browser: Callable[[str], bool] | None = None
    #: Monotonic seconds, for deadlines; epoch seconds, for servers' reset headers.
    monotonic: Callable[[], float] = field(default=time.monotonic)
    wall_clock: Callable[[], float] = field(default=time.time)


class Authenticator(abc.ABC):
    """Logs in to one kind of IdP and returns its SAMLResponse."""

    #: Short description shown in ``--help``-like listings.
    description: ClassVar[str] = ""
    #: The ``--mfa-factor`` values this provider honours (see ``request.MFA_FACTORS``
    #: for the names). Empty, the default, means the provider offers no such choice:
    #: the shared login path then refuses ``--mfa-factor`` instead of ignoring it.
    mfa_factors: ClassVar[frozenset[str]] = frozenset()
    #: The provider-specific options (``PROVIDER_OPTIONS`` keys) this provider honours;
    #: the shared login path and ``configure`` refuse the others.
    options: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: LoginContext) -> None:
        self.context = context

    @classmethod
    def check_mfa_factor(cls, provider: str, mfa_factor: str | None) -> None:
        """Raise ConfigurationError for an ``--mfa-factor`` this provider would not
        honour (rather than ignore it silently); used by logins and by ``configure``."""
        if mfa_factor is None or mfa_factor in cls.mfa_factors:
            return
        accepted = (
            f"it accepts {', '.join(sorted(cls.mfa_factors))}"
            if cls.mfa_factors
            else "its sign-in decides the second factor itself; leave --mfa-factor out"
        )
        raise ConfigurationError(
            f"--mfa-factor {mfa_factor} does not apply to the {provider} provider: {accepted}"
        )

    @classmethod
    def check_request(cls, request: CredentialRequest) -> None:
        """Raise ConfigurationError for what this provider would not honour in
        ``request`` (an ``--mfa-factor``, a provider-specific option), before any
        login; used by logins and by ``configure``. Providers may check more."""
        cls.check_mfa_factor(request.provider, request.mfa_factor)
        for name in request.provider_options_given():
            if name not in cls.options:
                raise ConfigurationError(
                    f"{PROVIDER_OPTIONS[name]} does not apply to the {request.provider} "
                    "provider; leave it out"
                )

    @classmethod
    def resume_url(cls, request: CredentialRequest) -> str | None:
        """Where a kept IdP session is tried first: the URL whose answer, given the
        kept cookies, carries the SAMLResponse while the IdP still knows the session.
        The shared login path GETs it with the standard library, before requests or
        this provider's sign-in is set up (an hourly refresh costs that GET and the STS
        call). None: one GET never does for this provider; ``resume`` alone tries the
        kept session. The default is the entry URL."""
        return request.endpoint

    def resume(self) -> Flow[str | None]:
        """With a kept IdP session's cookies already in the session: the SAMLResponse
        when the IdP signs us in with them alone, else None (the login path then runs
        ``authenticate`` from scratch). Called after the GET of ``resume_url`` found
        no SAMLResponse (or when there is none), for providers that override it: the
        pages an IdP answers by itself on the way. The default does nothing more than
        that GET (``kept_resume``), so the login path never calls it."""
        yield from ()  # a flow like ``authenticate``, one that never asks anything
        return None

    @abc.abstractmethod
    def authenticate(self) -> Flow[str]:
        """Yield steps as needed and return the base64 SAMLResponse.

        Raises AuthenticationError (refused login), MfaError (second factor failed),
        IdpResponseError (an answer we do not understand), NetworkError and
        ConfigurationError (e.g. a non-https endpoint).
        """
