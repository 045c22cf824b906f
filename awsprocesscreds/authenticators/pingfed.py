"""PingFederate: IdP-initiated SSO to AWS through the HTML Form Adapter, with PingID,
as a description for the form engine (``form_idp``).

``-e`` is ``https://HOST/idp/startSSO.ping?PartnerSpId=urn:amazon:webservices``. The
login form takes ``pf.username`` and ``pf.pass``; its button is a link whose script
sets ``pf.ok``. Errors sit in ``div.ping-error``. PingID follows as pages of its own:
a "does this browser do WebAuthn" probe (a terminal does not), device selection
(``li[data-id]`` items with a ``div.device-name``, chosen in ``deviceId``), a passcode
(``form#otp-form``), or a push ("swipe"): ``form#form1``'s address answers the
status as JSON while the person decides, and ``form#reponseView`` (sic) is submitted
once it is approved; with number matching the number is in ``div.numbermatching``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from awsprocesscreds.answers import text
from awsprocesscreds.authenticators.form_description import (
    Approval,
    Choice,
    Fields,
    FormIdp,
    Step,
)
from awsprocesscreds.authenticators.form_idp import FormAuthenticator
from awsprocesscreds.bodies import json_body
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Form, Page

if TYPE_CHECKING:
    import requests

#: How the device list marks each device and its name; read at most _MAX_DEVICES times.
_DEVICE_ID = ('data-id="', '"')
_DEVICE_NAME = ('class="device-name">', "<")
_MAX_DEVICES = 20
#: Push statuses: waiting, approved, and why it failed.
_WAITING, _APPROVED = "ASYNC_AUTH_WAIT", "OK"
_FAILURES = {
    "DENIED": "the push was denied on your device",
    "TIMEOUT": "the push was not approved in time; try again",
    "DEVICE_CLAIM_TIMEOUT": "the push was not approved in time; try again",
}


def _form(page: Page, form_id: str) -> Form | None:
    return next((form for form in page.forms if form.id == form_id), None)


def _devices(page: Page) -> list[tuple[str, str]]:
    ids = _between(page.html, *_DEVICE_ID)
    names = [html.unescape(name).strip() for name in _between(page.html, *_DEVICE_NAME)]
    names = (names + ids)[: len(ids)] if len(names) < len(ids) else names[: len(ids)]
    return [(html.unescape(device), name) for device, name in zip(ids, names, strict=True)]


def _between(page: str, start: str, end: str) -> list[str]:
    """The texts between each ``start`` and the next ``end``, at most _MAX_DEVICES, each
    at most 200 characters: plain searches, each part of the page read once."""
    found: list[str] = []
    at = page.find(start)
    while at >= 0 and len(found) < _MAX_DEVICES:
        begin = at + len(start)
        stop = page.find(end, begin, begin + 201)
        if stop < 0:
            break
        found.append(page[begin:stop])
        at = page.find(start, stop)
    return found


def _swipe(page: Page) -> Form | None:
    return _form(page, "reponseView") if _form(page, "form1") is not None else None


def _instructions(page: Page) -> tuple[str, str | None]:
    number = page.text_by_class("numbermatching")
    device = page.text_by_class("device-name")
    where = f" on {device}" if device else ""
    if number:
        return f"In the PingID app{where}, select this number:", number
    return f"Approve the PingID push{where}.", None


def _poll(session: requests.Session, page: Page) -> str:
    status_form = _form(page, "form1")
    if status_form is None:
        raise IdpResponseError("PingID's push page lost its status form")
    response = session.get(urljoin(page.url, status_form.action), params=status_form.submission({}))
    status = text(json_body(response).get("status")) or ""
    if status == _WAITING:
        return "wait"
    if status == _APPROVED:
        return "done"
    return _FAILURES.get(status, f"the push ended with {status or 'no status'}")


PINGFED = FormIdp(
    name="PingFederate",
    username=Fields(names=("pf.username", "USER"), containing=("user",)),
    password=Fields(names=("pf.pass", "PASSWORD"), containing=("pass",)),
    error_classes=("ping-error", "error-message"),
    code=Fields(names=("otp",)),
    submit_values={"pf.ok": "clicked"},
    steps=(
        Step(
            "PingID's WebAuthn probe (not from a terminal)",
            lambda page: _form(page, "start-form"),
            {"isWebAuthnSupportedByBrowser": "false"},
        ),
    ),
    choices=(
        Choice(
            lambda page: _form(page, "device-form"),
            _devices,
            "deviceId",
            "PingID asks which device to use:",
        ),
    ),
    approvals=(Approval(_swipe, _instructions, _poll),),
    hint="-e should be https://HOST/idp/startSSO.ping?PartnerSpId=urn:amazon:webservices",
)


class PingFedAuthenticator(FormAuthenticator):
    """PingFederate's HTML Form Adapter sign-in, PingID push, passcode and devices."""

    description = "PingFederate HTML Form Adapter, with PingID push (number matching) and passcodes"
    idp = PINGFED
