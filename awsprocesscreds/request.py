"""What the person asked for on the command line, as one value."""

from __future__ import annotations

from dataclasses import dataclass

from awsprocesscreds.cache import KeyPart

#: ``--mfa-factor`` choices (Okta factor kinds; AD FS adapters choose for themselves).
MFA_FACTORS = ("push", "totp", "sms", "call", "email", "token")


@dataclass(frozen=True)
class CredentialRequest:
    provider: str
    endpoint: str
    username: str
    role_arn: str | None = None
    duration: int | None = None
    mfa_factor: str | None = None
    mfa_timeout: float = 60.0
    timeout: float = 30.0
    use_cache: bool = True

    def key_parts(self) -> dict[str, KeyPart]:
        """Everything that changes which credentials come back. The second factor and
        timeouts change only how we log in, so they are not part of the key."""
        return {
            "v": 1,
            "provider": self.provider,
            "endpoint": self.endpoint,
            "username": self.username,
            "role_arn": self.role_arn,
            "duration": self.duration,
        }
