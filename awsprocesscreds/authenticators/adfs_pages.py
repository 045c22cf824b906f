"""What an AD FS page is: pure classification of a parsed page, no HTTP.

Keys on element ids and field names, never on wording: AD FS pages are localized
and themed, but ``errorText``, ``AuthMethod`` and the field names stay put.
"""

from __future__ import annotations

from dataclasses import dataclass

from awsprocesscreds.forms import AutoPostPage, Form, Page, SamlPage, UnknownPage

#: Modern AD FS (2012 R2 and later), then AD FS 2.0's ASP.NET names.
USERNAME_FIELDS = ("UserName", "ctl00$ContentPlaceHolder1$UsernameTextBox")
PASSWORD_FIELDS = ("Password", "ctl00$ContentPlaceHolder1$PasswordTextBox")
#: Inputs that ask for a one-time code: Azure MFA OTP, RSA SecurID, Symantec VIP, OATH.
CODE_FIELDS = ("VerificationCode", "OathCode", "Passcode", "SecurityCode", "otp")
#: Azure MFA adapters that wait for an out-of-band approval.
AZURE_MFA_METHODS = ("AzureMfaAuthentication", "AzureMfaServerAuthentication")
FORMS_METHODS = ("FormsAuthentication", "")


@dataclass(frozen=True)
class LoginPage:
    form: Form
    username_field: str | None
    password_field: str
    error: str | None


@dataclass(frozen=True)
class CodePage:
    """A second-factor page asking for a one-time code."""

    form: Form
    auth_method: str
    code_field: str
    error: str | None


@dataclass(frozen=True)
class WaitPage:
    """A second-factor page waiting for an approval elsewhere (Azure MFA push/call)."""

    form: Form
    auth_method: str
    context: str | None
    instructions: str | None
    number: str | None
    error: str | None


@dataclass(frozen=True)
class OtherMfaPage:
    """A second-factor adapter we cannot drive (Duo, ...)."""

    auth_method: str


AdfsPage = SamlPage | LoginPage | CodePage | WaitPage | OtherMfaPage | AutoPostPage | UnknownPage


def classify(page: Page) -> AdfsPage:
    """Decide what ``page`` is, in order of certainty."""
    assertion = page.input_value("SAMLResponse")
    if assertion is not None:
        return SamlPage(assertion.strip())
    error = page.text_by_id("errorText") or None
    login = _login_form(page)
    if login is not None:
        password_field = _first_present(login, PASSWORD_FIELDS)
        if password_field is None:
            typed = login.field_of_type("password")
            password_field = typed.name if typed else PASSWORD_FIELDS[0]
        username_field = _first_present(login, USERNAME_FIELDS)
        if username_field is None:
            typed = login.field_of_type("email") or login.field_of_type("text")
            username_field = typed.name if typed else None
        return LoginPage(login, username_field, password_field, error)
    code_form = page.form_with_field(CODE_FIELDS)
    if code_form is not None:
        code_field = _first_present(code_form, CODE_FIELDS) or CODE_FIELDS[0]
        return CodePage(code_form, _auth_method(code_form) or "", code_field, error)
    mfa_form = next(
        (form for form in page.forms if (_auth_method(form) or "") not in FORMS_METHODS), None
    )
    if mfa_form is not None:
        method = _auth_method(mfa_form) or ""
        if method in AZURE_MFA_METHODS:
            context = mfa_form.field("Context")
            return WaitPage(
                form=mfa_form,
                auth_method=method,
                context=context.value if context else None,
                instructions=page.text_by_id("instructions"),
                number=page.text_by_id("validEntropyNumber"),
                error=error,
            )
        return OtherMfaPage(method)
    auto_post = page.auto_post_form()
    if auto_post is not None:
        return AutoPostPage(auto_post)
    return UnknownPage(page.title(), error)


def _login_form(page: Page) -> Form | None:
    # Pick the form that holds the password, not simply the first one: modern AD FS
    # pages carry an "options" form with its own AuthMethod before the login form.
    named = page.form_with_field(PASSWORD_FIELDS)
    if named is not None:
        return named
    return next((form for form in page.forms if form.field_of_type("password")), None)


def _first_present(form: Form, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if form.has_field(name)), None)


def _auth_method(form: Form) -> str | None:
    field = form.field("AuthMethod")
    return field.value if field else None
