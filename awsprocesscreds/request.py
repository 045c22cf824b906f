"""What the person asked for on the command line, as one value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from awsprocesscreds.hotpath import key_parts

#: ``--mfa-factor`` choices (Okta factor kinds; AD FS adapters choose for themselves).
MFA_FACTORS = ("push", "totp", "sms", "call", "email", "token")
#: Seconds to wait for a push or phone approval, and for each IdP or STS answer.
DEFAULT_MFA_TIMEOUT = 60.0
DEFAULT_TIMEOUT = 30.0
#: Provider-specific options: request field -> the option's name on the command line
#: (each provider says which it honours: ``Authenticator.options``).
PROVIDER_OPTIONS = {
    "entity_id": "--entity-id",
    "okta_client_id": "--okta-client-id",
    "no_browser": "--no-browser",
}


class CredentialRequest(NamedTuple):
    provider: str
    endpoint: str
    username: str
    role_arn: str | None = None
    duration: int | None = None
    mfa_factor: str | None = None
    mfa_timeout: float = DEFAULT_MFA_TIMEOUT
    timeout: float = DEFAULT_TIMEOUT
    use_cache: bool = True
    keyring: bool = False
    #: The application's SAML identifier, for providers that start the sign-in
    #: themselves (Entra ID's ``--entity-id``); None: the provider's default.
    entity_id: str | None = None
    #: Okta's device-authorization flow: the OIDC native app's client ID, and whether
    #: to leave the browser closed (the URL is shown either way).
    okta_client_id: str | None = None
    no_browser: bool = False
    #: Keep the IdP's session after a sign-in and try it before the next one.
    use_idp_session: bool = True

    @classmethod
    def from_options(cls, options: Mapping[str, object]) -> CredentialRequest:
        """The request of parsed command-line options (``vars`` of the namespace).
        A command that does not take an option leaves it out: it gets the default."""

        def text(name: str) -> str | None:
            value = options.get(name)
            return value if isinstance(value, str) and value else None

        duration = options.get("duration")
        mfa_timeout = options.get("mfa_timeout")
        timeout = options.get("timeout")
        return cls(
            provider=(text("provider") or "").lower(),
            endpoint=text("endpoint") or "",
            username=text("username") or "",
            role_arn=text("role_arn"),
            duration=duration if isinstance(duration, int) else None,
            mfa_factor=text("mfa_factor"),
            mfa_timeout=float(mfa_timeout)
            if isinstance(mfa_timeout, (int, float))
            else DEFAULT_MFA_TIMEOUT,
            timeout=float(timeout) if isinstance(timeout, (int, float)) else DEFAULT_TIMEOUT,
            use_cache=not options.get("no_cache", False),
            keyring=bool(options.get("keyring", False)),
            entity_id=text("entity_id"),
            okta_client_id=text("okta_client_id"),
            no_browser=bool(options.get("no_browser", False)),
            use_idp_session=not options.get("no_idp_session", False),
        )

    def provider_options_given(self) -> list[str]:
        """The ``PROVIDER_OPTIONS`` this request sets (each provider honours some)."""
        return [name for name in PROVIDER_OPTIONS if getattr(self, name) not in (None, False)]

    def key_parts(self) -> dict[str, str | int | None]:
        """What picks the cache entry (see ``hotpath.key_parts``)."""
        return key_parts(
            self.provider,
            self.endpoint,
            self.username,
            self.role_arn,
            self.duration,
            entity_id=self.entity_id,
        )
