"""One engine for IdPs whose sign-in is a walk over HTML forms (Keycloak, Shibboleth,
a generic form IdP): fetch the entry URL, recognise the page, act, repeat until a page
carries a ``SAMLResponse`` input.

The engine owns everything the walk needs: the cookies (the session it is given),
every hidden field carried back (``Form.submission``), relative actions, HTTPS and
redirects (``IdpSession``), auto-posting forms, the loop guard (``PageGuard``) and the
IdP's error text when its login page comes back. A provider is a description
(``FormIdp``): how to recognise its pages, which fields take the username, password
and code, where its error text sits, which pages it answers by itself and which only
a browser can.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import ClassVar

from awsprocesscreds.authenticators.base import Authenticator
from awsprocesscreds.authenticators.form_description import Approval, Choice, Consent, FormIdp
from awsprocesscreds.bodies import text_body
from awsprocesscreds.errors import (
    AuthenticationError,
    ConsentRefused,
    IdpResponseError,
    MfaError,
)
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.interaction import (
    MFA_CODE,
    PASSWORD,
    Choose,
    Flow,
    Notify,
    Prompt,
    Wait,
    polls_within,
)
from awsprocesscreds.page_guard import PageGuard, page_name
from awsprocesscreds.urls import redact_url, require_https

log = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 3


class FormAuthenticator(Authenticator):
    """An Authenticator whose sign-in is its ``idp`` description, walked by the engine."""

    idp: ClassVar[FormIdp]

    def authenticate(self) -> Flow[str]:
        require_https(self.context.endpoint)
        return (yield from FormWalk(self).run(self.fetch("GET", self.context.endpoint, None)))

    def resume(self) -> Flow[str | None]:
        """With a kept session: the pages the provider answers by itself (storage
        views, hidden forms) up to the SAMLResponse; None at the first page that would
        ask the person something."""
        yield from ()
        require_https(self.context.endpoint)
        walk = FormWalk(self)
        page = self.fetch("GET", self.context.endpoint, None)
        while True:  # bounded by the guard
            walk.guard.see(page, page_name(page))
            assertion = (page.input_value("SAMLResponse") or "").strip()
            if assertion:
                return assertion
            form = walk.automatic(page)
            if form is None:
                return None
            page = self.submit(*form)

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


class FormWalk:
    """One sign-in over a provider's pages."""

    def __init__(self, authenticator: FormAuthenticator) -> None:
        self.auth = authenticator
        self.idp = authenticator.idp
        self.guard = PageGuard(self.idp.name)
        self.password_posted = False
        self.code_attempts = 0

    def run(self, page: Page) -> Flow[str]:
        """Walk from ``page`` to the SAMLResponse. Raises AuthenticationError (the IdP
        refused the login, with its own words), MfaError, IdpResponseError."""
        while True:  # bounded by the guard
            self.guard.see(page, page_name(page))
            assertion = page.input_value("SAMLResponse")
            if assertion is not None:
                if not assertion.strip():
                    raise AuthenticationError(f"{self.idp.name} answered an empty SAMLResponse")
                log.debug("%s returned the SAMLResponse", self.idp.name)
                return assertion.strip()
            page = yield from self._act(page)

    def automatic(self, page: Page) -> tuple[Form, Mapping[str, str]] | None:
        """The form to post, and with what, when ``page`` is one the provider answers
        without the person (one of its steps, or a hidden form that posts itself)."""
        found = self._step(page)
        if found is not None:
            return found
        auto = page.auto_post_form()
        return None if auto is None else (auto, {})

    def _step(self, page: Page) -> tuple[Form, Mapping[str, str]] | None:
        for step in self.idp.steps:
            form = step.matches(page)
            if form is not None:
                log.debug("%s: %s", self.idp.name, step.name)
                return form, step.values
        return None

    def _act(self, page: Page) -> Flow[Page]:
        idp, auth = self.idp, self.auth
        for blocked in idp.blocked:
            if blocked.matches(page):
                raise MfaError(f"{idp.name} asks for {blocked.name}: {blocked.message}")
        found = self._step(page)
        if found is not None:
            return auth.submit(*found)
        for choice in idp.choices:
            form = choice.matches(page)
            options = choice.options(page) if form is not None else []
            if form is not None and options:
                return (yield from self._choose(form, choice, options))
        for approval in idp.approvals:
            form = approval.matches(page)
            if form is not None:
                return (yield from self._approve(page, form, approval))
        if idp.consent is not None:
            form = idp.consent.matches(page)
            if form is not None:
                return (yield from self._consent(page, form, idp.consent))
        code_form = _form_with(page, lambda form: idp.code.find(form, _CODE_TYPES))
        if code_form is not None and not _has_password(code_form):
            return (yield from self._code(page, code_form))
        login = next((form for form in page.forms if _has_password(form)), None)
        if login is not None:
            return (yield from self._login(page, login))
        auto = page.auto_post_form()
        if auto is not None:
            return auth.submit(auto, {})
        raise IdpResponseError(
            f"the {idp.name} page {page_name(page)} was not understood: expected a login "
            f"form, a second-factor page or a SAMLResponse; {idp.hint}"
        )

    def _login(self, page: Page, form: Form) -> Flow[Page]:
        idp = self.idp
        error = idp.error_text(page)
        if self.password_posted:
            if self.code_attempts:
                raise MfaError(
                    f"{idp.name} asked for the password again after the second factor"
                    + (f": {error}" if error else "")
                )
            raise AuthenticationError(
                f"{idp.name} refused the login: {error}"
                if error
                else f"{idp.name} refused the login (incorrect username or password?); "
                "check the username (-u) and the password"
            )
        password_field = idp.password.find(form, ("password",)) or _typed(form, "password")
        username_field = idp.username.find(form, ("text", "email")) or _typed(form, "text")
        if password_field is None:
            raise IdpResponseError(f"{idp.name}'s login form has no password field")
        password = yield Prompt(f"Password for {self.auth.context.username}: ", kind=PASSWORD)
        values = {password_field: str(password), **idp.submit_values}
        if username_field is not None:
            values[username_field] = self.auth.context.username
        self.password_posted = True
        return self.auth.submit(form, values)

    def _code(self, page: Page, form: Form) -> Flow[Page]:
        idp = self.idp
        if self.code_attempts >= MAX_CODE_ATTEMPTS:
            error = idp.error_text(page)
            raise MfaError(
                f"{idp.name} refused the one-time code {self.code_attempts} times"
                + (f" ({error})" if error else "")
            )
        if self.code_attempts:
            yield Notify(idp.error_text(page) or "That code was not accepted; try again.")
        values: dict[str, str] = {}
        devices = [radio for radio in form.radios if radio.name == idp.device_choice]
        if len(devices) > 1:
            labels = tuple((d.id and page.label_of(d.id)) or d.value for d in devices)
            index = yield Choose(
                f"{idp.name} asks for a code from one of your devices:", labels, _ON_A_TERMINAL
            )
            if not isinstance(index, int) or not 0 <= index < len(devices):
                raise MfaError("no device was chosen")
            values[devices[index].name] = devices[index].value
        self.code_attempts += 1
        code = yield Prompt(
            "Verification code: ", kind=MFA_CODE, secret=False, attempt=self.code_attempts
        )
        code_field = idp.code.find(form, _CODE_TYPES) or ""
        values[code_field] = str(code).strip()
        return self.auth.submit(form, {**idp.submit_values, **values})

    def _choose(self, form: Form, choice: Choice, options: list[tuple[str, str]]) -> Flow[Page]:
        index = 0
        if len(options) > 1:
            picked = yield Choose(choice.text, tuple(label for _, label in options), _ON_A_TERMINAL)
            if not isinstance(picked, int) or not 0 <= picked < len(options):
                raise MfaError("nothing was chosen")
            index = picked
        log.debug("%s: option %d of %d chosen", self.idp.name, index + 1, len(options))
        return self.auth.submit(form, {choice.field: options[index][0]})

    def _approve(self, page: Page, form: Form, approval: Approval) -> Flow[Page]:
        context = self.auth.context
        text, number = approval.instructions(page)
        yield Notify(text, highlight=number)
        deadline = context.monotonic() + context.mfa_timeout
        for _ in range(polls_within(context.mfa_timeout, approval.interval)):
            yield Wait(approval.interval)
            outcome = approval.poll(context.session, page)
            if outcome == "done":
                return self.auth.submit(form, {})
            if outcome != "wait":
                raise MfaError(f"{self.idp.name}: {outcome}")
            if context.monotonic() >= deadline:
                break
        raise MfaError(
            f"the {self.idp.name} approval did not arrive within {context.mfa_timeout:g} s; "
            "try again, or raise --mfa-timeout"
        )

    def _consent(self, page: Page, form: Form, consent: Consent) -> Flow[Page]:
        what = consent.describe(form)
        listed = f" ({what})" if what else ""
        index = yield Choose(
            f"{self.idp.name} asks to release your attributes to AWS{listed}:",
            ("Release them and continue", "Do not release them (the sign-in stops)"),
            "answer there: the tool never consents for you",
        )
        if index != 0:
            # Tell the IdP, as the browser's button would, then stop here.
            self.auth.submit(form, {}, pressed=consent.refuse)
            raise ConsentRefused(
                f"you refused to release your attributes to AWS{listed}, so {self.idp.name} "
                "did not sign you in"
            )
        return self.auth.submit(form, {}, pressed=consent.accept)


_CODE_TYPES = ("text", "number", "tel")
#: No advice beyond running on a terminal: no option answers these menus.
_ON_A_TERMINAL = ""


def _has_password(form: Form) -> bool:
    return form.field_of_type("password") is not None


def _typed(form: Form, input_type: str) -> str | None:
    found = form.field_of_type(input_type)
    return found.name if found else None


def _form_with(page: Page, picks: Callable[[Form], str | None]) -> Form | None:
    return next((form for form in page.forms if picks(form) is not None), None)
