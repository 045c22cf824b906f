"""What the person asked for on the command line, as one value."""

from __future__ import annotations

from dataclasses import dataclass

from awsprocesscreds.hotpath import key_parts

#: ``--mfa-factor`` choices (Okta factor kinds; AD FS adapters choose for themselves).
MFA_FACTORS = ("push", "totp", "sms", "call", "email", "token")
#: Seconds to wait for a push or phone approval, and for each IdP or STS answer.
DEFAULT_MFA_TIMEOUT = 60.0
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class CredentialRequest:
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

    def key_parts(self) -> dict[str, str | int | None]:
        """What picks the cache entry (see ``hotpath.key_parts``)."""
        return key_parts(self.provider, self.endpoint, self.username, self.role_arn, self.duration)
