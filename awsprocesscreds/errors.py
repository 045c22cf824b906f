"""One exception family for every failure the user can meet.

Each error's text is the one line the CLI prints after ``awsprocesscreds-saml: error:``:
it says what went wrong and, where there is one, what to do. Other libraries' errors
are wrapped with ``raise ... from`` so ``-v`` still shows where they came from.
"""

from __future__ import annotations


class AwsProcessCredsError(Exception):
    """Base of every expected failure; the CLI turns it into one stderr line, exit 1."""

    exit_code = 1


class ConfigurationError(AwsProcessCredsError):
    """The command line or environment asks for something we cannot do."""


class UsageError(ConfigurationError):
    """The command line itself is wrong (a bad combination or value of options): exit 2,
    as argparse's own usage errors."""

    exit_code = 2


class ProviderNotFoundError(ConfigurationError):
    """No authenticator is registered under the requested provider name."""


class NetworkError(AwsProcessCredsError):
    """A server (the IdP, STS) could not be reached: connection refused, TLS failure,
    timeout."""


class Unreachable(NetworkError):
    """No connection at all (refused, reset, unknown host): worth another try, unlike a
    TLS failure or a server that took too long."""


class IdpResponseError(AwsProcessCredsError):
    """The IdP answered something we do not understand (an unknown page or JSON)."""


class AuthenticationError(AwsProcessCredsError):
    """The IdP refused the login: wrong password, locked or expired account."""


class AccountLocked(AuthenticationError):
    """The IdP says the account is locked: retrying would only extend the lockout."""


class AccessPolicyError(AwsProcessCredsError):
    """The IdP knows who you are, but its policy refuses this sign-in from here
    (Conditional Access, a device or platform requirement). Not a refused password:
    asking for it again would change nothing."""


class ConsentRefused(AwsProcessCredsError):
    """The person refused what the IdP asked to release to AWS; the sign-in stops."""


class MfaError(AwsProcessCredsError):
    """A second factor was required and could not be completed."""


class InteractionError(AwsProcessCredsError):
    """We need to ask the person something but there is nobody to ask (no terminal),
    or the terminal's answer cannot be read."""


class NoTerminal(InteractionError):
    """There is no controlling terminal (``/dev/tty`` cannot be opened)."""


class UserAbort(AwsProcessCredsError):
    """The person pressed Ctrl-C or closed the prompt."""

    exit_code = 130


class TerminalBusy(AwsProcessCredsError):
    """Another run kept this terminal's prompt for longer than we are willing to wait."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived. Not in the family above on purpose: like Ctrl-C's
    KeyboardInterrupt (its base), it must pass every ``except Exception`` so that
    each ``finally`` on the way out restores the terminal and releases locks. The CLI
    exits with ``exit_code``, 128 + the signal number, as a shell would report."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum


class SamlAssertionError(AwsProcessCredsError):
    """The SAML assertion is malformed, hostile or lacks what AWS needs."""


class RoleSelectionError(AwsProcessCredsError):
    """The requested role is not in the assertion, or a choice is needed and none was made."""


class StsError(AwsProcessCredsError):
    """AWS STS refused AssumeRoleWithSAML or could not be reached."""


class CacheLockTimeout(AwsProcessCredsError):
    """Another process held the login lock for longer than we are willing to wait."""
