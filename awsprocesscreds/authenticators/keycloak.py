"""Keycloak: the SAML client's IdP-initiated sign-in, as a description for the form
engine (``form_idp``).

``-e`` is ``https://HOST/realms/REALM/protocol/saml/clients/CLIENT`` (``/auth/realms``
before Keycloak 17). The login form's fields are named ``username`` and ``password``
(themes rename their ids, not their names); a one-time code goes in ``otp`` (``totp``
before Keycloak 8), with several devices offered as ``selectedCredentialId`` radios.
Errors sit in ``#input-error`` (old themes), ``#input-error-username`` and the
``kc-feedback-text`` alert (new ones), in the realm's language. A required action (set
up an authenticator app, choose a new password) and WebAuthn are for a browser: one
line says so, and nothing is posted.
"""

from __future__ import annotations

from collections.abc import Callable

from awsprocesscreds.authenticators.form_description import Blocked, Fields, FormIdp
from awsprocesscreds.authenticators.form_idp import FormAuthenticator
from awsprocesscreds.forms import Page


def _webauthn(page: Page) -> bool:
    return any(form.id == "webauth" for form in page.forms)


def _required_action(form_id: str, field: str) -> Callable[[Page], bool]:
    """A required-action page: its form, by id or by the field only it has (themes
    rename ids, not field names)."""

    def matches(page: Page) -> bool:
        return any(form.id == form_id or form.has_field(field) for form in page.forms)

    return matches


_IN_A_BROWSER = "do it once in a browser (open -e there), then try again"


KEYCLOAK = FormIdp(
    name="Keycloak",
    username=Fields(names=("username",), containing=("username",)),
    password=Fields(names=("password",), containing=("password",)),
    error_ids=(
        "input-error",
        "input-error-username",
        "input-error-password",
        "input-error-otp-code",
    ),
    error_classes=("kc-feedback-text", "alert-error"),
    code=Fields(names=("otp", "totp")),
    device_choice="selectedCredentialId",
    blocked=(
        # Before the code page: setting up an app asks for its first code in ``totp``,
        # the field Keycloak before 8 also used for the login code.
        Blocked(
            "an authenticator app set up first (a required action)",
            _required_action("kc-totp-settings-form", "totpSecret"),
            _IN_A_BROWSER,
        ),
        Blocked(
            "a new password (a required action, or the password expired)",
            _required_action("kc-passwd-update-form", "password-new"),
            _IN_A_BROWSER,
        ),
        Blocked(
            "a security key or passkey (WebAuthn)",
            _webauthn,
            "a terminal cannot use one; ask your administrator for another second factor "
            "(an authenticator app code), or sign in to AWS from a browser",
        ),
    ),
    hint="-e should be https://HOST/realms/REALM/protocol/saml/clients/CLIENT",
)


class KeycloakAuthenticator(FormAuthenticator):
    """Keycloak's SAML sign-in: username and password, one-time codes."""

    description = "Keycloak SAML clients: password and one-time codes (OTP devices)"
    idp = KEYCLOAK
