"""How AD FS's pages look, for its description (``adfs.ADFS``): field names and pure
recognisers of its second-factor pages, no HTTP.

Keys on element ids and field names, never on wording: AD FS pages are localized
and themed, but ``errorText``, ``AuthMethod`` and the field names stay put. Every
second-factor page is a form carrying the adapter's name in ``AuthMethod`` (and an
opaque ``Context``); the login page's own forms carry ``FormsAuthentication`` or
nothing.
"""

from __future__ import annotations

from awsprocesscreds.forms import Form, Page

#: Modern AD FS (2012 R2 and later), then AD FS 2.0's ASP.NET names.
USERNAME_FIELDS = ("UserName", "ctl00$ContentPlaceHolder1$UsernameTextBox")
PASSWORD_FIELDS = ("Password", "ctl00$ContentPlaceHolder1$PasswordTextBox")
#: Inputs that ask for a one-time code: Azure MFA OTP, RSA SecurID, Symantec VIP, OATH.
CODE_FIELDS = ("VerificationCode", "OathCode", "Passcode", "SecurityCode", "otp")
#: Azure MFA adapters that wait for an out-of-band approval.
AZURE_MFA_METHODS = ("AzureMfaAuthentication", "AzureMfaServerAuthentication")
#: What Azure MFA re-posts while it waits: the adapter's name and its opaque Context.
AZURE_MFA_POLL_FIELDS = ("AuthMethod", "Context")
FORMS_METHODS = ("FormsAuthentication", "")
#: The Azure MFA page's own words; these when it has none.
DEFAULT_INSTRUCTIONS = "Approve the sign-in request on your phone."


def adapter_form(page: Page) -> Form | None:
    """The form of a second-factor adapter that asks for no code on ``page``: one whose
    ``AuthMethod`` is an adapter's, on a page with no password or code field (those
    are the login and one-time-code pages, which the engine answers)."""
    if any(_asks_password_or_code(form) for form in page.forms):
        return None
    return next((form for form in page.forms if adapter_of(form) not in FORMS_METHODS), None)


def adapter_of(form: Form) -> str:
    """The adapter a form posts to (its ``AuthMethod``), "" without one."""
    field = form.field("AuthMethod")
    return field.value if field else ""


def adapter(page: Page) -> str:
    """The adapter the second-factor page ``page`` runs, "" if none."""
    form = adapter_form(page)
    return "" if form is None else adapter_of(form)


def azure_mfa_form(page: Page) -> Form | None:
    """The form of an Azure MFA page waiting for an approval (push, call, number)."""
    form = adapter_form(page)
    return form if form is not None and adapter_of(form) in AZURE_MFA_METHODS else None


def other_adapter(page: Page) -> bool:
    """True for the page of an adapter that is neither Azure MFA nor a code (Duo...)."""
    form = adapter_form(page)
    return form is not None and adapter_of(form) not in AZURE_MFA_METHODS


def instructions(page: Page) -> tuple[str, str | None]:
    """What the Azure MFA page tells the person, and the number to match if any."""
    text = page.text_by_id("instructions") or DEFAULT_INSTRUCTIONS
    return text, page.text_by_id("validEntropyNumber") or None


def _asks_password_or_code(form: Form) -> bool:
    return form.field_of_type("password") is not None or any(
        form.has_field(name) for name in CODE_FIELDS
    )
