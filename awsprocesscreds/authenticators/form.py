"""Any other HTML-form IdP: one form with a text field and a password field, ending in
an auto-posting SAML form. The fallback for products without a description of their
own; ``-v`` tells which page it did not understand."""

from __future__ import annotations

from awsprocesscreds.authenticators.form_description import Fields, FormIdp
from awsprocesscreds.authenticators.form_idp import FormAuthenticator

GENERIC = FormIdp(
    name="IdP",
    username=Fields(containing=("user", "login", "email", "name")),
    password=Fields(containing=("pass",)),
    error_ids=("error", "errorText", "error-message", "login-error"),
    error_classes=("error", "alert-danger", "alert-error", "form-error", "errors"),
    hint="-p form handles one login form ending in a SAML form; see docs/configuration.md",
)


class GenericFormAuthenticator(FormAuthenticator):
    """A sign-in of one HTML form with a username and a password."""

    description = "any IdP whose sign-in is one HTML form (username, password)"
    idp = GENERIC
