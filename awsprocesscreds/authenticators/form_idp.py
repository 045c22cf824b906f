"""One engine for IdPs whose sign-in is a walk over HTML forms (AD FS, Keycloak,
Shibboleth, PingFederate, a generic form IdP): fetch the entry URL, recognise the
page, act, repeat until a page carries a ``SAMLResponse`` input.

The engine owns everything the walk needs: the cookies (the session it is given),
every hidden field carried back (``Form.submission``), relative actions, HTTPS and
redirects (``IdpSession``), auto-posting forms, the loop guard (``PageGuard``) and the
IdP's error text when its login page comes back. A provider is a description
(``FormIdp``): how to recognise its pages, which fields take the username, password
and code, where its error text sits, which pages it answers by itself, which it asks
the person (codes, choices, approvals polled or re-posted, consent) and which only a
browser can. The walk itself is ``form_walk.FormWalk``; its wait for an approval,
``form_approval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from awsprocesscreds.authenticators.base import Authenticator
from awsprocesscreds.authenticators.form_description import FormIdp
from awsprocesscreds.authenticators.form_walk import FormWalk
from awsprocesscreds.bodies import text_body
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.interaction import Flow
from awsprocesscreds.urls import redact_url, require_https


class FormAuthenticator(Authenticator):
    """An Authenticator whose sign-in is its ``idp`` description, walked by the engine."""

    idp: ClassVar[FormIdp]

    def authenticate(self) -> Flow[str]:
        require_https(self.context.endpoint)
        return (yield from FormWalk(self).run(self.fetch("GET", self.context.endpoint, None)))

    def run_to_exit(self, url: str) -> Flow[Page]:
        """Sign in from ``url`` until the walk leaves the IdP (``FormWalk.run_to_exit``):
        for a service that sent the person here to sign in and expects a form back.
        Returns the SAMLResponse page or the unposted form's page; raises as
        ``authenticate``."""
        require_https(url)
        return (yield from FormWalk(self).run_to_exit(self.fetch("GET", url, None)))

    def resume(self) -> Flow[str | None]:
        """With a kept session: the pages the provider answers by itself (storage
        views, hidden forms) up to the SAMLResponse; None at the first page that would
        ask the person something."""
        require_https(self.context.endpoint)
        walk = FormWalk(self)
        return (yield from walk.run_unattended(self.fetch("GET", self.context.endpoint, None)))

    def fetch(self, method: str, url: str, data: Mapping[str, str] | None) -> Page:
        """The page at ``url``; an error status is an error unless its page is one the
        walk can read (an IdP's login page with an error may come with one)."""
        if method == "GET":
            response = self.context.session.get(url, params=data)
        else:
            response = self.context.session.post(url, data=data)
        page = Page(text_body(response), response.url)
        if response.status_code >= 400 and not page.forms:
            detail = self.idp.error_text(page) or page.title() or "no details"
            raise IdpResponseError(
                f"{self.idp.name} answered HTTP {response.status_code} at "
                f"{redact_url(response.url)}: {detail}"
            )
        return page

    def submit(self, form: Form, values: Mapping[str, str], pressed: str | None = None) -> Page:
        return self.fetch(form.method, form.action, form.submission(values, pressed))
