"""What a login flow may ask of the person, and the loop that answers it.

An authenticator's ``authenticate()`` is a generator (the shape of httpx's auth flows):
it yields a step when it needs the person or the clock, and receives the answer::

    password = yield Prompt("Password for alice@example.com: ", kind=PASSWORD)
    yield Notify("Approve the push on your phone")
    yield Wait(2.0)

It does its HTTP through the session it was given and never touches the terminal or
sleeps itself, so tests step through it with ``send()``: no terminal, no sleeping.
``run_flow`` is the driver the CLI uses, with an ``Interactor`` that owns ``/dev/tty``.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

#: ``Prompt.kind`` values. The interactor may answer these from the environment
#: (``AWSPROCESSCREDS_PASSWORD``, ``AWSPROCESSCREDS_MFA_CODE``) instead of asking.
PASSWORD = "password"
MFA_CODE = "mfa_code"
#: A code sent by SMS, call or email: unknown before the run, so never preset.
SENT_CODE = "sent_code"
TEXT = "text"
#: One-time codes a flow asks for before it gives up (each provider's refusal line
#: names the count): the same for every provider.
MAX_CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class Prompt:
    """Ask for one line of text; the answer sent back is a ``str``."""

    text: str
    kind: str = TEXT
    secret: bool = True
    #: 1 for the first ask; 2+ when a previous answer was rejected (a wrong code).
    attempt: int = 1


@dataclass(frozen=True)
class Choose:
    """Ask the person to pick one of ``options``; the answer sent back is its index."""

    text: str
    options: tuple[str, ...]
    #: What else to do when there is no terminal to show the menu on ("" for nothing).
    advice: str = "choose with --mfa-factor or -a"


@dataclass(frozen=True)
class Notify:
    """Show a message (instructions, a number to match); the answer is ``None``."""

    text: str
    #: Text to show prominently, e.g. the number to pick in the authenticator app.
    highlight: str | None = None


@dataclass(frozen=True)
class Wait:
    """Pause for ``seconds`` before the next request (polling); the answer is ``None``."""

    seconds: float


Step = Prompt | Choose | Notify | Wait
T = TypeVar("T")
#: An authentication flow: yields steps, receives answers, returns its result.
Flow = Generator[Step, object, T]


class Interactor(Protocol):
    """Answers a flow's steps. The CLI's talks to ``/dev/tty``; tests script one."""

    def prompt(self, step: Prompt) -> str: ...

    def choose(self, step: Choose) -> int: ...

    def notify(self, step: Notify) -> None: ...

    def wait(self, step: Wait) -> None: ...


#: A flow that asks more than this many things has a bug (an unbounded poll loop);
#: every real flow stays far below it.
MAX_STEPS = 10_000


def polls_within(timeout: float, interval: float) -> int:
    """How many polls ``interval`` seconds apart fit in ``timeout`` (--mfa-timeout),
    with room for the first and the last: the backstop of a polling loop for a clock
    that does not move, as the deadline ends the polling first."""
    return int(timeout // interval) + 2


def run_flow(flow: Flow[T], interactor: Interactor) -> T:
    """Drive ``flow`` to completion, answering each step with ``interactor``."""
    answer: object = None
    for _ in range(MAX_STEPS):
        try:
            step = flow.send(answer)
        except StopIteration as done:
            result: T = done.value
            return result
        answer = _answer(step, interactor)
    flow.close()
    raise RuntimeError(f"authentication flow asked more than {MAX_STEPS} steps")


def _answer(step: Step, interactor: Interactor) -> object:
    if isinstance(step, Prompt):
        return interactor.prompt(step)
    if isinstance(step, Choose):
        return interactor.choose(step)
    if isinstance(step, Notify):
        interactor.notify(step)
        return None
    interactor.wait(step)
    return None


def menu_lines(options: Sequence[str]) -> list[str]:
    """Numbered menu lines, 1-based, as shown on the terminal."""
    width = len(str(len(options)))
    return [f"  {index:>{width}}) {option}" for index, option in enumerate(options, start=1)]
