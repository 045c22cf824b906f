"""The form engine's wait for an approval given elsewhere (a push to a phone, a call):
the page is shown to the person, then polled as its description (``Approval``) says,
through a status callback or by re-posting fields of the page's own form, until it is
approved, refused, or ``--mfa-timeout`` runs out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from awsprocesscreds.authenticators.form_description import Approval
from awsprocesscreds.errors import MfaError
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.interaction import Flow, Notify, Wait, polls_within

if TYPE_CHECKING:
    from awsprocesscreds.authenticators.form_idp import FormAuthenticator


def approve(auth: FormAuthenticator, page: Page, form: Form, approval: Approval) -> Flow[Page]:
    """Wait on ``page`` (whose form ``approval.matches`` found) for the approval; return
    the page that follows it. Raises MfaError when it is refused or does not come
    within the context's ``mfa_timeout``; IdpResponseError as ``auth.fetch``."""
    context, idp = auth.context, auth.idp
    name = approval.name(page) if approval.name is not None else idp.name
    _refused(auth, page, name)
    text, number = approval.instructions(page)
    yield Notify(text, highlight=number)
    deadline = context.monotonic() + context.mfa_timeout
    for _ in range(polls_within(context.mfa_timeout, approval.interval)):
        yield Wait(approval.interval)
        if approval.poll is None:
            answer = auth.fetch(form.method, form.action, _fields(form, approval.repost))
            waiting = approval.matches(answer)
            if waiting is None:
                return answer
            _refused(auth, answer, name)
            # The next re-post answers this page: it may carry a new Context.
            form = waiting
        else:
            outcome = approval.poll(context.session, page)
            if outcome == "done":
                return auth.submit(form, {})
            if outcome != "wait":
                raise MfaError(f"{idp.name}: {outcome}")
        if context.monotonic() >= deadline:
            break
    raise MfaError(
        f"the {name} approval did not arrive within {context.mfa_timeout:g} s; "
        "try again, or raise --mfa-timeout"
    )


def _refused(auth: FormAuthenticator, page: Page, name: str) -> None:
    """An approval page that shows the IdP's error text says the approval was refused."""
    error = auth.idp.error_text(page)
    if error:
        raise MfaError(f"{name} did not approve the login: {error}")


def _fields(form: Form, names: tuple[str, ...]) -> dict[str, str]:
    """The values ``form`` was served with for ``names`` (those it has)."""
    found = (form.field(name) for name in names)
    return {field.name: field.value for field in found if field is not None}
