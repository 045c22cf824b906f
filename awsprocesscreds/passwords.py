"""Remembering the IdP password in the system keyring (``--keyring``, opt in).

The keyring entry is service ``awsprocesscreds:<IdP host>``, user ``<username>``.
A machine without a usable keyring backend (headless Linux, WSL, a locked or absent
D-Bus secret service) degrades to the prompt: every keyring call is guarded, and a
failure is one line under ``-v``. ``keyring`` is imported only here, only then.
"""

from __future__ import annotations

from types import ModuleType

from awsprocesscreds.interaction import PASSWORD, Choose, Interactor, Notify, Prompt, Wait
from awsprocesscreds.logs import install_pending, logger

log = logger(__name__)

SERVICE_PREFIX = "awsprocesscreds:"


class PasswordStore:
    """One keyring entry; every method swallows keyring failures."""

    def __init__(self, host: str, username: str) -> None:
        self.service = SERVICE_PREFIX + host
        self.username = username

    def get(self) -> str | None:
        try:
            return _keyring().get_password(self.service, self.username) or None
        except Exception as exc:  # no backend, D-Bus errors...: fall back to the prompt
            log.debug("keyring unavailable, asking instead (%s)", type(exc).__name__)
            return None

    def set(self, password: str) -> None:
        try:
            _keyring().set_password(self.service, self.username, password)
        except Exception as exc:
            log.debug("could not store the password in the keyring (%s)", type(exc).__name__)
        else:
            log.debug("password stored in the keyring")

    def delete(self) -> bool:
        """Forget the stored password; True when one was removed."""
        try:
            _keyring().delete_password(self.service, self.username)
        except Exception as exc:
            log.debug("no stored password removed (%s)", type(exc).__name__)
            return False
        return True


def _keyring() -> ModuleType:
    install_pending()  # keyring logs: the CLI's handler first (see ``logs``)
    import keyring

    return keyring


class RememberingInteractor:
    """Answers the password prompt from the store, or asks and remembers the answer
    so it can be saved once the IdP has accepted it."""

    def __init__(self, inner: Interactor, store: PasswordStore, use_stored: bool = True) -> None:
        self._inner = inner
        self._store = store
        self._use_stored = use_stored
        self._typed: str | None = None
        self.used_stored = False

    def prompt(self, step: Prompt) -> str:
        if step.kind == PASSWORD and step.attempt == 1:
            stored = self._store.get() if self._use_stored else None
            if stored is not None:
                log.debug("password taken from the keyring")
                self.used_stored = True
                return stored
            self._typed = self._inner.prompt(step)
            return self._typed
        return self._inner.prompt(step)

    def choose(self, step: Choose) -> int:
        return self._inner.choose(step)

    def notify(self, step: Notify) -> None:
        self._inner.notify(step)

    def wait(self, step: Wait) -> None:
        self._inner.wait(step)

    def save_typed(self) -> None:
        """Store the password typed in this login (call once the IdP accepted it)."""
        if self._typed:
            self._store.set(self._typed)
