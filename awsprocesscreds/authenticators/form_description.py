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
    """A page only a browser can answer: ``name`` says what it asks for (``{!r}`` in
    it filled with what ``detail`` reads from the page, such as the adapter it names),
    ``message`` what to do."""

    name: str
    matches: Callable[[Page], bool]
    message: str
    detail: Callable[[Page], str] | None = None

    def what(self, page: Page) -> str:
        """What ``page`` asks for, in the words of ``name``."""
        return self.name if self.detail is None else self.name.format(self.detail(page))


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
    every ``interval`` seconds, one of two ways:

    - ``poll`` answers "wait", "done" or why it failed; when done, the form
      ``matches`` found is submitted (PingID: a status URL beside the page);
    - ``repost`` names fields of that form: they alone are posted again, and the
      answer is read. While it is this approval's page again the wait goes on; any
      other page is the next page of the walk (AD FS's Azure MFA).

    An approval page that shows the IdP's error text was refused. ``name`` is what
    errors call the approval (the adapter the page names, say); by default the IdP.
    Raises ValueError unless exactly one of ``poll`` and ``repost`` is given.
    """

    matches: Callable[[Page], Form | None]
    instructions: Callable[[Page], tuple[str, str | None]]
    poll: Callable[[requests.Session, Page], str] | None = None
    repost: tuple[str, ...] = ()
    interval: float = 3.0
    name: Callable[[Page], str] | None = None

    def __post_init__(self) -> None:
        if (self.poll is None) == (not self.repost):
            raise ValueError("an Approval polls either through poll or by repost, not both")


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
    #: The errors after too many refused codes, and for the login page shown again
    #: after a second factor (``{idp}``: ``name``; ``{count}``: the codes refused);
    #: the IdP's error text follows either.
    code_refused: str = "{idp} refused the one-time code {count} times"
    second_factor_refused: str = "{idp} asked for the password again after the second factor"

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
