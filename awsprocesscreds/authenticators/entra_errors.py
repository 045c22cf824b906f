"""What Entra ID's error codes mean for the person at the terminal.

Entra reports a failed step as an AADSTS number (``sErrorCode`` on its pages, without
the prefix). Each known one becomes one line that says what happened and what to do,
in the exception class that tells the shared login path how to treat it: a refused
password (``AuthenticationError``) counts for the single-flight rule and makes a
keyring password be asked again; a policy refusal does not.
"""

from __future__ import annotations

from awsprocesscreds.errors import (
    AccessPolicyError,
    AccountLocked,
    AuthenticationError,
    AwsProcessCredsError,
    ConfigurationError,
    IdpResponseError,
    MfaError,
)

#: The longest piece of Entra's own text quoted in an error line.
MAX_QUOTED = 200
_BROWSER = "sign in once in a browser to see what it asks, or ask your administrator"

#: AADSTS number -> (error class, message; ``{user}`` and ``{entity_id}`` filled in).
ERRORS: dict[str, tuple[type[AwsProcessCredsError], str]] = {
    "50126": (
        AuthenticationError,
        "Entra ID refused the user name or password (AADSTS50126); check -u and the password",
    ),
    "50034": (AuthenticationError, "Entra ID has no account {user} (AADSTS50034); check -u"),
    "50053": (
        AccountLocked,
        "Entra ID has locked the account or stopped sign-ins after too many attempts "
        "(AADSTS50053); wait a few minutes before trying again, or ask your helpdesk",
    ),
    "50055": (
        AuthenticationError,
        "the password of {user} has expired (AADSTS50055); change it in a browser, then try again",
    ),
    "50057": (
        AuthenticationError,
        "the account {user} is disabled (AADSTS50057); ask your administrator",
    ),
    "50076": (
        MfaError,
        "Entra ID requires a second factor it did not offer to this sign-in (AADSTS50076); "
        + _BROWSER,
    ),
    "50079": (
        MfaError,
        "Entra ID asks you to register security information (AADSTS50079): do it once in a "
        "browser (https://aka.ms/mfasetup), then try again",
    ),
    "500121": (
        MfaError,
        "the second factor failed, was denied or timed out (AADSTS500121); try again",
    ),
    "53003": (
        AccessPolicyError,
        "Conditional Access blocked this sign-in (AADSTS53003); ask your administrator "
        "which policy applies (the Entra sign-in logs name it)",
    ),
    "50097": (
        AccessPolicyError,
        "Conditional Access requires a registered or compliant device (AADSTS50097), which a "
        "sign-in from the terminal cannot prove; ask your administrator for an exception",
    ),
    "50005": (
        AccessPolicyError,
        "Conditional Access does not allow sign-ins from this device platform (AADSTS50005); "
        "ask your administrator for an exception",
    ),
    "50196": (
        IdpResponseError,
        "Entra ID saw a sign-in loop (AADSTS50196): too many sign-ins in a short time; "
        "wait a minute and try again",
    ),
    "700016": (
        ConfigurationError,
        "Entra ID has no application with the identifier {entity_id} in this tenant "
        "(AADSTS700016); set --entity-id to the AWS app's Identifier (Entity ID)",
    ),
    "50011": (
        ConfigurationError,
        "the AWS app's Reply URL in Entra ID is not the AWS sign-in address we asked for "
        "(AADSTS50011); it must be https://signin.aws.amazon.com/saml, or your partition's",
    ),
}


def error_for(
    code: str, entra_text: str | None, *, user: str, entity_id: str
) -> AwsProcessCredsError:
    """The error to raise for AADSTS ``code``; an unknown code quotes Entra's text."""
    known = ERRORS.get(code)
    if known is not None:
        error_class, message = known
        return error_class(message.format(user=user, entity_id=entity_id))
    quoted = " ".join((entra_text or "no details").split())
    quoted = quoted.removeprefix(f"AADSTS{code}:").strip() or "no details"
    if len(quoted) > MAX_QUOTED:
        quoted = quoted[: MAX_QUOTED - 3] + "..."
    return IdpResponseError(f"Entra ID stopped the sign-in with AADSTS{code}: {quoted}")


def unknown_page(name: str) -> IdpResponseError:
    """The error for a page we cannot answer from a terminal."""
    return IdpResponseError(
        f"Entra ID showed a page this tool cannot answer from a terminal ({name}); {_BROWSER}"
    )
