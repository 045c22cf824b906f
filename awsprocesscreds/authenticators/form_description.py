"""How an HTML-form IdP's pages look, as the form engine (``form_idp``) reads them:
which fields take what, where the IdP writes its errors, which pages it answers by
itself, which it asks the person, and which only a browser can answer. Values only;
no HTTP."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from awsprocesscreds.forms import Form, Page

if TYPE_CHECKING:
    import requests


@dataclass(frozen=True)
class Fields:
    """Which input of a form takes a value: an exact name first, else the first text
    input whose name contains one of ``containing`` (lower case)."""

    names: tuple[str, ...] = ()
    containing: tuple[str, ...] = ()

    def find(self, form: Form, types: tuple[str, ...]) -> str | None:
        for name in self.names:
            if form.has_field(name):
                return name
        for item in form.fields:
            lowered = item.name.lower()
            if item.type in types and any(part in lowered for part in self.containing):
                return item.name
        return None


@dataclass(frozen=True)
class Step:
    """A page the provider answers without asking the person: recognised by
    ``matches``, answered by posting its form with ``values`` set."""

    name: str
    matches: Callable[[Page], Form | None]
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocked:
    """A page only a browser can answer: ``message`` says what to do."""

    name: str
    matches: Callable[[Page], bool]
    message: str


@dataclass(frozen=True)
class Consent:
    """A consent page: shown to the person, who accepts or refuses; never accepted for
    them silently."""

    matches: Callable[[Page], Form | None]
    #: The buttons that accept and refuse (the one pressed is the one sent).
    accept: str
    refuse: str
    #: The attributes asked for, listed for the person ("" when the page names none).
    describe: Callable[[Form], str]


@dataclass(frozen=True)
class Choice:
    """A page asking the person to pick one of several (a device): ``options`` gives
    each one's value and label, posted in ``field`` of the form ``matches`` finds."""

    matches: Callable[[Page], Form | None]
    options: Callable[[Page], list[tuple[str, str]]]
    field: str
    text: str


@dataclass(frozen=True)
class Approval:
    """A page waiting for an approval elsewhere (a push to a phone): shown to the
    person with ``instructions`` (text, and a number to match or None), then polled
    every ``interval`` seconds through ``poll``, which answers "wait", "done" or why
    it failed; when done, the form ``matches`` found is submitted."""

    matches: Callable[[Page], Form | None]
    instructions: Callable[[Page], tuple[str, str | None]]
    poll: Callable[[requests.Session, Page], str]
    interval: float = 3.0


@dataclass(frozen=True)
class FormIdp:
    """How one product's sign-in pages look."""

    name: str
    username: Fields
    password: Fields
    #: Where the IdP writes its error text: element ids, then class names.
    error_ids: tuple[str, ...] = ()
    error_classes: tuple[str, ...] = ()
    #: One-time-code inputs, and the radio group choosing among several devices.
    code: Fields = field(default_factory=Fields)
    device_choice: str | None = None
    #: Fields a browser adds when the person presses the login button.
    submit_values: Mapping[str, str] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    choices: tuple[Choice, ...] = ()
    approvals: tuple[Approval, ...] = ()
    consent: Consent | None = None
    blocked: tuple[Blocked, ...] = ()
    #: What the unknown-page error suggests checking.
    hint: str = "check the entry URL (-e)"

    def error_text(self, page: Page) -> str | None:
        for element_id in self.error_ids:
            text = page.text_by_id(element_id)
            if text:
                return text
        for class_name in self.error_classes:
            text = page.text_by_class(class_name)
            if text:
                return text
        return None
