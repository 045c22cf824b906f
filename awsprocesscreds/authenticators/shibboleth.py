"""Shibboleth IdP (v3 to v5): the unsolicited SAML sign-in for AWS, as a description
for the form engine (``form_idp``).

``-e`` is ``https://HOST/idp/profile/SAML2/Unsolicited/SSO?providerId=urn:amazon:webservices``.
Spring Web Flow moves through views at ``...?execution=e1sN``; every form carries its
``csrf_token`` back (v4+). Installs with client-side storage add a view before the
login that reads the browser's local storage and one after it that writes it: we
answer them as a browser without stored state does. The login view takes
``j_username`` and ``j_password`` with the ``_eventId_proceed`` button and re-renders
with ``<p class="form-element form-error">`` on a refusal. The attribute-release view
is shown to the person, who decides.
"""

from __future__ import annotations

from awsprocesscreds.authenticators.form_description import Consent, Fields, FormIdp, Step
from awsprocesscreds.authenticators.form_idp import FormAuthenticator
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.request import CredentialRequest

_STORAGE_KEYS = ("shib_idp_session_ss", "shib_idp_persistent_ss")
#: What a browser with working local storage but nothing stored posts back.
_STORAGE_ANSWER = {
    **{f"shib_idp_ls_exception.{key}": "" for key in _STORAGE_KEYS},
    **{f"shib_idp_ls_success.{key}": "true" for key in _STORAGE_KEYS},
    "_eventId_proceed": "",
}


def _storage_form(page: Page) -> Form | None:
    return next(
        (
            form
            for form in page.forms
            if any(item.name.startswith("shib_idp_ls_") for item in form.fields)
        ),
        None,
    )


def _consent_form(page: Page) -> Form | None:
    return next(
        (
            form
            for form in page.forms
            if any(radio.name == "_shib_idp_consentOptions" for radio in form.radios)
            or form.has_field("_shib_idp_consentOptions")
        ),
        None,
    )


def _released(form: Form) -> str:
    names = [item.value for item in form.fields if item.name == "_shib_idp_consentIds"]
    return ", ".join(names)


SHIBBOLETH = FormIdp(
    name="Shibboleth",
    username=Fields(names=("j_username",), containing=("user", "email")),
    password=Fields(names=("j_password",), containing=("pass",)),
    error_classes=("form-error", "output--failure"),
    submit_values={"_eventId_proceed": ""},
    steps=(Step("the browser-storage view", _storage_form, _STORAGE_ANSWER),),
    consent=Consent(
        matches=_consent_form,
        accept="_eventId_proceed",
        refuse="_eventId_AttributeReleaseRejected",
        describe=_released,
    ),
    hint="-e should be https://HOST/idp/profile/SAML2/Unsolicited/SSO?providerId=urn:amazon:webservices",
)


class ShibbolethAuthenticator(FormAuthenticator):
    """Shibboleth IdP's browser sign-in: storage views, login, attribute release."""

    description = "Shibboleth IdP v3-v5 (browser flow): password, attribute-release consent"
    idp = SHIBBOLETH

    @classmethod
    def resume_url(cls, request: CredentialRequest) -> str | None:
        """Even with a session, Shibboleth 4 and 5 answer first with their client-side
        storage pages, which one GET cannot answer: ``resume`` walks them."""
        return None
