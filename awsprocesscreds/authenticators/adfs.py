"""AD FS: the forms sign-in of AD FS 2.0 to 2022, with Azure MFA and one-time codes,
as a description for the form engine (``form_idp``).

``-e`` is the IdP-initiated sign-on page,
``https://HOST/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices``. The
login form takes ``UserName`` and ``Password`` (AD FS 2.0: ASP.NET's
``ctl00$ContentPlaceHolder1$...`` names); errors sit in ``#errorText``. Second factors
are adapters (``adfs_pages``): a page with a code box gets a one-time code; Azure MFA
waits for an approval, re-posting its ``AuthMethod`` and ``Context`` every 3 s until
AD FS answers another page (a number to match is its ``validEntropyNumber``); any
other adapter (Duo...) needs a browser. AD FS answers a refused second factor with its
login page.

Entra ID sends the users of federated domains to their AD FS, whose part ends with a
WS-Federation form posting back to Entra: ``FormAuthenticator.run_to_exit``.
"""

from __future__ import annotations

from awsprocesscreds.authenticators.adfs_pages import (
    AZURE_MFA_METHODS,
    AZURE_MFA_POLL_FIELDS,
    CODE_FIELDS,
    PASSWORD_FIELDS,
    USERNAME_FIELDS,
    adapter,
    azure_mfa_form,
    instructions,
    other_adapter,
)
from awsprocesscreds.authenticators.form_description import Approval, Blocked, Fields, FormIdp
from awsprocesscreds.authenticators.form_idp import FormAuthenticator

#: Seconds between re-posts while Azure MFA waits for the person's approval.
POLL_INTERVAL = 3.0

#: What an unknown page at the IdP-initiated entry point suggests checking.
ENTRY_HINT = (
    "check the endpoint URL (-e), which should end in "
    "IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"
)

ADFS = FormIdp(
    name="AD FS",
    username=Fields(names=USERNAME_FIELDS, containing=("user",)),
    password=Fields(names=PASSWORD_FIELDS, containing=("pass",)),
    error_ids=("errorText",),
    code=Fields(names=CODE_FIELDS),
    approvals=(
        Approval(
            matches=azure_mfa_form,
            instructions=instructions,
            repost=AZURE_MFA_POLL_FIELDS,
            interval=POLL_INTERVAL,
            name=adapter,
        ),
    ),
    blocked=(
        Blocked(
            "a second factor through the {!r} adapter",
            other_adapter,
            f"it is not supported; supported: {', '.join(AZURE_MFA_METHODS)} and one-time-code "
            "adapters",
            detail=adapter,
        ),
    ),
    hint=ENTRY_HINT,
    code_refused="the one-time code was refused {count} times",
    second_factor_refused="the second factor did not approve the login",
)


class AdfsAuthenticator(FormAuthenticator):
    """Microsoft AD FS forms-based sign-in (IdP-initiated entry URL)."""

    description = "Microsoft AD FS forms sign-in, Azure MFA and one-time-code adapters"
    # No --mfa-factor: the AD FS adapter (Azure MFA, RSA...) picks the method, and its
    # pages offer no choice a client could make.
    idp = ADFS
