"""The walk of the form engine (``form_idp``): one sign-in over a provider's pages,
each recognised through its description (``FormIdp``) and answered, until a page
carries the SAMLResponse or, when asked, a hidden form leaves the IdP's site.

It does no I/O of its own beyond its authenticator's ``fetch`` and ``submit``, and
yields what it needs from the person (``Prompt``, ``Choose``, ``Notify``, ``Wait``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from awsprocesscreds.authenticators.form_approval import approve
from awsprocesscreds.authenticators.form_description import Choice, Consent
from awsprocesscreds.errors import AuthenticationError, ConsentRefused, IdpResponseError, MfaError
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.interaction import (
    MAX_CODE_ATTEMPTS,
    MFA_CODE,
    PASSWORD,
    Choose,
    Flow,
    Notify,
    Prompt,
)
from awsprocesscreds.logs import logger
from awsprocesscreds.page_guard import PageGuard, page_name
from awsprocesscreds.urls import origin as _origin

if TYPE_CHECKING:
    from awsprocesscreds.authenticators.form_idp import FormAuthenticator

log = logger(__name__)


class FormWalk:
    """One sign-in over a provider's pages."""

    def __init__(self, authenticator: FormAuthenticator) -> None:
        self.auth = authenticator
        self.idp = authenticator.idp
        self.guard = PageGuard(self.idp.name)
        self.password_posted = False
        self.code_attempts = 0
        #: A second factor was answered (a code, an approval): a login page now is
        #: its refusal, not the password's.
        self.second_factor = False

    def run(self, page: Page) -> Flow[str]:
        """Walk from ``page`` to the SAMLResponse. Raises AuthenticationError (the IdP
        refused the login, with its own words), MfaError, IdpResponseError."""
        page = yield from self._walk(page, lambda _: False)
        assertion = (page.input_value("SAMLResponse") or "").strip()
        if not assertion:
            raise AuthenticationError(
                f"{self.idp.name} answered without a SAMLResponse: the login did not succeed"
            )
        log.debug("%s returned the SAMLResponse", self.idp.name)
        return assertion

    def run_to_exit(self, page: Page) -> Flow[Page]:
        """Walk from ``page`` until it leaves the IdP: the SAMLResponse page, or a form
        that posts itself to another site (a federation's way back to the service
        that sent us there, such as AD FS's WS-Federation form to Entra ID), which is
        returned unposted. Raises as ``run``."""
        return (yield from self._walk(page, self._leaves))

    def run_unattended(self, page: Page) -> Flow[str | None]:
        """Walk from ``page`` while the provider answers every page by itself (a kept
        session's way back): the SAMLResponse, or None at the first page that would ask
        the person something. A page with an empty SAMLResponse ends it too (its form
        would only carry nothing to AWS), as None."""
        page = yield from self._walk(page, lambda seen: self.automatic(seen) is None)
        return (page.input_value("SAMLResponse") or "").strip() or None

    def automatic(self, page: Page) -> tuple[Form, Mapping[str, str]] | None:
        """The form to post, and with what, when ``page`` is one the provider answers
        without the person (one of its steps, or a hidden form that posts itself on a
        page that asks the person nothing)."""
        found = self._step(page)
        if found is not None:
            return found
        auto = page.auto_post_form()
        return None if auto is None or self._asks(page) else (auto, {})

    def _walk(self, page: Page, leaves: Callable[[Page], bool]) -> Flow[Page]:
        while True:  # bounded by the guard
            self.guard.see(page, page_name(page))
            if page.input_value("SAMLResponse") is not None or leaves(page):
                return page
            page = yield from self._act(page)

    def _leaves(self, page: Page) -> bool:
        """True when ``page`` posts itself to a site other than its own."""
        auto = page.auto_post_form()
        return (
            auto is not None and _origin(auto.action) != _origin(page.url) and not self._asks(page)
        )

    def _step(self, page: Page) -> tuple[Form, Mapping[str, str]] | None:
        for step in self.idp.steps:
            form = step.matches(page)
            if form is not None:
                log.debug("%s: %s", self.idp.name, step.name)
                return form, step.values
        return None

    def _asks(self, page: Page) -> bool:
        """True when ``page`` asks the person something (or only a browser can
        answer it): pages whose scripts also submit a hidden form, such as AD FS's
        sign-in options, must not be posted by themselves."""
        idp = self.idp
        return (
            any(blocked.matches(page) for blocked in idp.blocked)
            or any(choice.matches(page) is not None for choice in idp.choices)
            or any(approval.matches(page) is not None for approval in idp.approvals)
            or (idp.consent is not None and idp.consent.matches(page) is not None)
            or any(_has_password(form) or self._code_field(form) for form in page.forms)
        )

    def _code_field(self, form: Form) -> str | None:
        return self.idp.code.find(form, _CODE_TYPES)

    def _act(self, page: Page) -> Flow[Page]:
        idp, auth = self.idp, self.auth
        for blocked in idp.blocked:
            if blocked.matches(page):
                raise MfaError(f"{idp.name} asks for {blocked.what(page)}: {blocked.message}")
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
                self.second_factor = True
                log.debug("%s: waiting for an approval", idp.name)
                return (yield from approve(auth, page, form, approval))
        if idp.consent is not None:
            form = idp.consent.matches(page)
            if form is not None:
                return (yield from self._consent(page, form, idp.consent))
        code_form = _form_with(page, self._code_field)
        if code_form is not None and not _has_password(code_form):
            return (yield from self._code(page, code_form))
        login = next((form for form in page.forms if _has_password(form)), None)
        if login is not None:
            return (yield from self._login(page, login))
        auto = page.auto_post_form()
        if auto is not None:
            return auth.submit(auto, {})
        error = idp.error_text(page)
        if error and self.password_posted:
            raise AuthenticationError(f"{idp.name} refused the login: {error}")
        raise IdpResponseError(
            f"the {idp.name} page {page_name(page)} was not understood: expected a login "
            f"form, a second-factor page or a SAMLResponse; {idp.hint}"
        )

    def _login(self, page: Page, form: Form) -> Flow[Page]:
        idp = self.idp
        error = idp.error_text(page)
        if self.password_posted:
            if self.second_factor:
                # The IdP answers a refused second factor with its login page.
                raise MfaError(
                    idp.second_factor_refused.format(idp=idp.name) + (f": {error}" if error else "")
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
        log.debug("login form %s picked", form.id or form.name or "(unnamed)")
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
                idp.code_refused.format(idp=idp.name, count=self.code_attempts)
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
        self.second_factor = True
        code = yield Prompt(
            "Verification code: ", kind=MFA_CODE, secret=False, attempt=self.code_attempts
        )
        values[self._code_field(form) or ""] = str(code).strip()
        # The page of a refused code may come back unchanged but for nothing at all
        # (AD FS): the person typed another code, so that is no loop; the attempts
        # are bounded above.
        self.guard.forget_last()
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
