"""The person at the keyboard, reached through ``/dev/tty``.

botocore runs us with stdout and stderr as pipes (stderr is thrown away on success)
and git-remote-codecommit gives us git's protocol pipe as stdin, so the controlling
terminal is the only way to reach the person. Without one we fail at once rather
than hang. Answers can also come from the environment for automation.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType

from awsprocesscreds.display import safe_text
from awsprocesscreds.errors import InteractionError, NoTerminal, UserAbort
from awsprocesscreds.interaction import (
    MFA_CODE,
    PASSWORD,
    SENT_CODE,
    Choose,
    Notify,
    Prompt,
    Wait,
    menu_lines,
)
from awsprocesscreds.logs import logger
from awsprocesscreds.turns import TerminalTurn

log = logger(__name__)

PASSWORD_ENV = "AWSPROCESSCREDS_PASSWORD"
MFA_CODE_ENV = "AWSPROCESSCREDS_MFA_CODE"
#: Longest line we read from the terminal; a password is far shorter.
MAX_LINE = 4096
MAX_MENU_TRIES = 3


class TerminalInteractor:
    """Answers flow steps on the controlling terminal, or from the environment.

    Used as a context manager: with a ``turn``, the terminal's lock is taken when the
    terminal is first needed (never for answers from the environment) and held until
    the ``with`` block ends, so that concurrent runs prompt one after the other.

    Everything written to the terminal passes through ``safe_text``: prompts, menus
    and messages carry text from the IdP, which must not reach the terminal as
    escape sequences.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        tty_path: str = "/dev/tty",
        sleep: Callable[[float], None] = time.sleep,
        turn: TerminalTurn | None = None,
    ) -> None:
        self._env_answers = {PASSWORD: env.get(PASSWORD_ENV), MFA_CODE: env.get(MFA_CODE_ENV)}
        self._tty_path = tty_path
        self._sleep = sleep
        self._turn = turn

    def __enter__(self) -> TerminalInteractor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._turn is not None:
            self._turn.release()

    def prompt(self, step: Prompt) -> str:
        preset = self._env_answers.get(step.kind)
        # A preset answer is used once: if the IdP rejects it, asking again with the
        # same value would only lock the account.
        if preset and step.attempt == 1:
            log.debug("%s taken from the environment", step.kind.replace("_", " "))
            return preset
        with self._tty(*_purpose(step)) as tty:
            answer = _read_line(tty, step.text, secret=step.secret)
        return answer

    def choose(self, step: Choose) -> int:
        with self._tty("choose among several options", step.advice) as tty:
            options = [safe_text(option) for option in step.options]
            tty.write(safe_text(step.text) + "\n" + "\n".join(menu_lines(options)) + "\n")
            for _ in range(MAX_MENU_TRIES):
                answer = _read_line(tty, f"Choose 1-{len(step.options)}: ", secret=False)
                if answer.strip().isdigit() and 1 <= int(answer) <= len(step.options):
                    return int(answer) - 1
                tty.write("Please type one of the numbers shown.\n")
        raise InteractionError("no valid choice was made; run the command again")

    def notify(self, step: Notify) -> None:
        try:
            with self._tty("show a message", "") as tty:
                tty.write(safe_text(step.text) + "\n")
                if step.highlight is not None:
                    tty.write(f"\n    >>>  {safe_text(step.highlight)}  <<<\n\n")
        except NoTerminal:
            # Nobody to show it to: stderr is all we have (botocore shows it on failure).
            extra = f" [{step.highlight}]" if step.highlight is not None else ""
            print(safe_text(step.text + extra), file=sys.stderr)

    def wait(self, step: Wait) -> None:
        self._sleep(step.seconds)

    @contextlib.contextmanager
    def _tty(self, purpose: str, advice: str) -> Iterator[io.TextIOWrapper]:
        try:
            fd = os.open(self._tty_path, os.O_RDWR | getattr(os, "O_NOCTTY", 0))
        except OSError as exc:
            raise NoTerminal(
                f"no terminal to {purpose} ({exc.strerror}); run the command from a "
                f"terminal once to fill the cache{', or ' + advice if advice else ''}"
            ) from exc
        with io.TextIOWrapper(io.FileIO(fd, "r+"), encoding="utf-8", write_through=True) as tty:
            if self._turn is not None:
                self._turn.acquire()
            yield tty


def _purpose(step: Prompt) -> tuple[str, str]:
    """What we wanted the terminal for, and what to do instead."""
    if step.kind == PASSWORD:
        return "ask for the password", f"set {PASSWORD_ENV} for automation"
    if step.kind == MFA_CODE:
        return "ask for the one-time code", f"set {MFA_CODE_ENV} for automation"
    if step.kind == SENT_CODE:
        return "ask for the code that was sent", "choose another factor with --mfa-factor"
    return "ask a question", ""


def _read_line(tty: io.TextIOWrapper, text: str, secret: bool) -> str:
    """Write ``text`` and read one line, with echo off when ``secret``. Raises
    InteractionError when the answer is not UTF-8 (without the bytes: they may be
    part of a password)."""
    try:
        tty.write(safe_text(text))
        tty.flush()
        with _echo_off(tty.fileno(), enabled=secret):
            line = tty.readline(MAX_LINE)
    except UnicodeDecodeError:
        _end_line(tty)
        raise InteractionError(
            "the terminal sent characters that are not UTF-8; set the terminal's "
            "character encoding to UTF-8 and try again"
        ) from None
    except BaseException:
        # Ctrl-C, SIGTERM, SIGHUP: whenever it lands between the prompt and the
        # answer, the error message must not be glued to the prompt.
        _end_line(tty)
        raise
    if secret:
        tty.write("\n")  # the person's Enter was not echoed
    if not line:
        raise UserAbort("the prompt was closed before an answer was given")
    return line.rstrip("\r\n")


def _end_line(tty: io.TextIOWrapper) -> None:
    # The terminal may be gone (SIGHUP): the original error matters more.
    with contextlib.suppress(OSError, ValueError):
        tty.write("\n")


@contextlib.contextmanager
def _echo_off(fd: int, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    try:
        import termios
    except ImportError:  # pragma: no cover - not a POSIX terminal
        yield
        return
    try:
        old = termios.tcgetattr(fd)
    except termios.error:
        yield
        return
    new = list(old)
    new[3] &= ~termios.ECHO
    try:
        # Inside the try: a signal handled just after this call returns (SIGTERM
        # raising Terminated) must still find the finally that restores echo.
        termios.tcsetattr(fd, termios.TCSAFLUSH, new)
        yield
    finally:
        # TCSAFLUSH drops what was typed and not yet read; a hung-up terminal
        # cannot be restored, and its error must not hide the one on the way out.
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSAFLUSH, old)
