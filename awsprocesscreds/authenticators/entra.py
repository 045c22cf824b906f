"""Microsoft Entra ID (Azure AD): the SAML sign-in of an AWS enterprise application,
without a browser.

The sign-in is a walk over pages until one carries the SAMLResponse input. Each page
is classified (``entra_pages``): Entra's own pages by their ``$Config`` (sign-in,
"stay signed in?", security-info registration, second factor, errors), and the steps
between services as a browser would take them (auto-posting hidden forms, a portal
script that sends the browser to a SAMLRequest URL). Users of federated domains sign
in at their AD FS (``adfs``, walked by the form engine up to the WS-Federation form
that brings them back).

Two entry points: the tenant's SAML endpoint (``https://HOST/<tenant>/saml2``), to
which we send our own AuthnRequest for the application ``--entity-id``; or any other
URL, such as the application's User access URL, which is opened and followed.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from awsprocesscreds.answers import dig, text
from awsprocesscreds.authenticators.adfs import ADFS, AdfsAuthenticator
from awsprocesscreds.authenticators.base import Authenticator
from awsprocesscreds.authenticators.entra_api import EntraClient, PageWalk, page_name
from awsprocesscreds.authenticators.entra_errors import error_for, unknown_page
from awsprocesscreds.authenticators.entra_mfa import FACTOR_METHODS, second_factor
from awsprocesscreds.authenticators.entra_pages import (
    NO_SESSION_YET,
    Config,
    ConfigPage,
    EntraPage,
    ScriptRedirectPage,
)
from awsprocesscreds.errors import (
    AuthenticationError,
    ConfigurationError,
    IdpResponseError,
    MfaError,
)
from awsprocesscreds.forms import AutoPostPage, Page, SamlPage
from awsprocesscreds.interaction import PASSWORD, Flow, Prompt
from awsprocesscreds.logs import logger
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.saml import role_arn_parts
from awsprocesscreds.saml_request import DEFAULT_ENTITY_ID, acs_url, authn_request, redirect_encode
from awsprocesscreds.urls import require_https, with_query

log = logger(__name__)

#: Pages on which ``sErrorCode`` says why the page is shown (a second factor is
#: required, say), not that the sign-in failed.
_CODE_EXPLAINS_PAGE = frozenset({"ConvergedTFA", "KmsiInterrupt"})
#: GetCredentialType's ``IfExistsResult`` for a user name the tenant does not know.
_NO_SUCH_USER = "1"
_FEDERATED_HINT = (
    "this is your organisation's AD FS, where Entra ID sent you to sign in; "
    "sign in once in a browser to see what it asks"
)


def is_tenant_endpoint(url: str) -> bool:
    """True for the tenant's SAML endpoint, ``https://HOST/<tenant>/saml2``."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    return len(segments) == 2 and segments[1].lower() == "saml2"


class EntraAuthenticator(Authenticator):
    """Microsoft Entra ID SAML sign-in for an AWS enterprise application."""

    description = (
        "Microsoft Entra ID (Azure AD): managed and federated accounts, Authenticator "
        "push with number matching, calls, codes"
    )
    mfa_factors = frozenset(FACTOR_METHODS)
    options = frozenset({"entity_id"})

    @classmethod
    def check_request(cls, request: CredentialRequest) -> None:
        super().check_request(request)
        if request.entity_id is not None and not is_tenant_endpoint(request.endpoint):
            raise ConfigurationError(
                "--entity-id goes with the tenant's SAML endpoint "
                "(https://login.microsoftonline.com/<tenant>/saml2); a User access URL "
                "already names the application: leave --entity-id out"
            )

    def resume(self) -> Flow[str | None]:
        """With a kept session: the steps a browser takes by itself (hidden forms, the
        portal's script) until the SAMLResponse, or None at the first page that would
        ask something (Entra's own pages)."""
        yield from ()
        require_https(self.context.endpoint)
        client = EntraClient(self.context.session)
        walk = PageWalk()
        page = self._first_page(client)
        while True:  # bounded by PageWalk
            state = walk.see(page)
            if isinstance(state, SamlPage):
                return state.assertion or None
            onward = _by_itself(client, state)
            if onward is None:
                return None
            page = onward

    def authenticate(self) -> Flow[str]:
        context = self.context
        require_https(context.endpoint)
        client = EntraClient(context.session)
        walk = PageWalk()
        page = self._first_page(client)
        signed_in = False
        while True:  # bounded by PageWalk
            state = walk.see(page)
            if isinstance(state, SamlPage):
                if not state.assertion:
                    raise AuthenticationError(
                        "Entra ID answered without a SAMLResponse: the sign-in did not succeed"
                    )
                log.debug("Entra ID returned the SAMLResponse")
                return state.assertion
            onward = _by_itself(client, state)
            if onward is not None:
                page = onward
            elif isinstance(state, ConfigPage):
                page = yield from self._answer(client, state, signed_in)
                signed_in = signed_in or state.page_id == "ConvergedSignIn"
            else:
                raise unknown_page(page_name(state, page))

    @classmethod
    def resume_url(cls, request: CredentialRequest) -> str | None:
        """The tenant's SAML endpoint with a fresh AuthnRequest: while the session
        lives, Entra answers it with the SAMLResponse form. A User access URL leads
        through the portal's pages first, which ``resume`` walks."""
        if not is_tenant_endpoint(request.endpoint):
            return None
        saml_request = _saml_request(request.entity_id, request.role_arn)
        return with_query(request.endpoint, {"SAMLRequest": saml_request})

    def _first_page(self, client: EntraClient) -> Page:
        context = self.context
        if not is_tenant_endpoint(context.endpoint):
            return client.get(context.endpoint)
        log.debug("sending an AuthnRequest for %s", context.entity_id or DEFAULT_ENTITY_ID)
        saml_request = _saml_request(context.entity_id, context.role_arn)
        return client.get(context.endpoint, {"SAMLRequest": saml_request})

    def _answer(self, client: EntraClient, state: ConfigPage, signed_in: bool) -> Flow[Page]:
        """Act on one of Entra's own pages; return the page that follows."""
        config, page_id = state.config, state.page_id
        code = config.error_code
        if code is not None and code != NO_SESSION_YET and page_id not in _CODE_EXPLAINS_PAGE:
            raise error_for(
                code,
                config.error_text,
                user=self.context.username,
                entity_id=self.context.entity_id or DEFAULT_ENTITY_ID,
            )
        log.debug("Entra ID page %s", page_id or "(no pgid)")
        if page_id == "ConvergedSignIn":
            if signed_in:
                raise AuthenticationError(
                    "Entra ID asked for the password again without saying why; "
                    "check -u and the password"
                )
            return (yield from self._sign_in(client, config))
        if page_id == "KmsiInterrupt":
            # "Stay signed in?": yes, as the person would; it keeps Entra's session.
            return client.post_form(
                _required(config.url("urlPost"), page_id),
                {**_flow_fields(config), "LoginOptions": "1", "type": "28"},
            )
        if page_id == "ConvergedProofUpRedirect":
            skip = config.url("urlSkipMfaRegistration")
            if skip is None:
                raise MfaError(
                    "Entra ID asks you to register security information: do it once in a "
                    "browser (https://aka.ms/mfasetup), then try again"
                )
            log.debug("skipping the security-information registration for now")
            return client.get(skip)
        if page_id == "ConvergedTFA":
            return (yield from second_factor(client, config, self.context))
        raise unknown_page(page_id or "a page without a name")

    def _sign_in(self, client: EntraClient, config: Config) -> Flow[Page]:
        """The sign-in page: ask Entra where this user signs in, then either post the
        password to Entra or sign in at the federated domain's AD FS."""
        context = self.context
        url = _required(config.url("urlGetCredentialType"), "ConvergedSignIn")
        answer = client.call(
            url,
            {
                "username": context.username,
                "isOtherIdpSupported": True,
                "checkPhones": False,
                "isRemoteNGCSupported": False,
                "isCookieBannerShown": False,
                "isFidoSupported": False,
                "originalRequest": config.text("sCtx") or "",
                "flowToken": config.text("sFT") or "",
            },
            config,
        )
        if text(answer.get("IfExistsResult")) == _NO_SUCH_USER:
            raise error_for("50034", None, user=context.username, entity_id="")
        federation = text(dig(answer, "Credentials", "FederationRedirectUrl"))
        if federation:
            log.debug("federated domain: signing in at %s", urlsplit(federation).netloc)
            return (yield from _FederatedAdfs(context).run_to_exit(federation))
        password = yield Prompt(f"Password for {context.username}: ", kind=PASSWORD)
        fields = _flow_fields(config, flow_token=text(answer.get("FlowToken")))
        fields |= {
            "login": context.username,
            "loginfmt": context.username,
            "passwd": str(password),
            "type": "11",
            "LoginOptions": "3",
        }
        return client.post_form(_required(config.url("urlPost"), "ConvergedSignIn"), fields)


class _FederatedAdfs(AdfsAuthenticator):
    """The AD FS of a federated domain, reached from Entra ID: its errors say so."""

    idp = dataclasses.replace(ADFS, hint=_FEDERATED_HINT)


def _by_itself(client: EntraClient, state: EntraPage) -> Page | None:
    """The page a browser goes on to by itself (a hidden form that posts itself, a
    script that sends it on), or None when ``state`` is not such a step."""
    if isinstance(state, AutoPostPage):
        log.debug("posting the hidden form to %s", urlsplit(state.form.action).netloc)
        return client.submit(state.form)
    if isinstance(state, ScriptRedirectPage):
        return client.get(state.url)
    return None


def _flow_fields(config: Config, flow_token: str | None = None) -> dict[str, str]:
    """The fields every form post of Entra's pages carries back."""
    return {
        config.flow_token_name: flow_token or config.text("sFT") or "",
        "ctx": config.text("sCtx") or "",
        "canary": config.text("canary") or "",
        "hpgrequestid": config.text("sessionId") or "",
    }


def _required(url: str | None, page_id: str) -> str:
    if url is None:
        raise IdpResponseError(f"Entra ID's {page_id} page lacks the address to continue to")
    return url


def _saml_request(entity_id: str | None, role_arn: str | None) -> str:
    """A fresh AuthnRequest for the application, encoded for the redirect binding; its
    ACS is the AWS sign-in endpoint of the role's partition."""
    parts = role_arn_parts(role_arn) if role_arn else None
    request = authn_request(entity_id or DEFAULT_ENTITY_ID, acs_url(parts[0] if parts else None))
    return redirect_encode(request)
