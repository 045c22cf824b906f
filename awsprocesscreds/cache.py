"""On-disk credential cache: one small JSON file per key under ``~/.aws/``, as the
login path sees it (the cache-hit path reads the same files through ``hotpath``,
with the same functions for keys, locations and what counts as a valid entry).

Entries are written atomically (temp file in the same directory, then ``os.replace``)
with mode 0600, inside directories of mode 0700. Anything unreadable, corrupt,
foreign or too close to expiry is a miss, never a crash. A per-key file lock
(``filelock``: released by the kernel when its holder dies) serialises logins.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from awsprocesscreds.credentials import (
    MIN_REMAINING,
    Credentials,
    format_expiration,
    from_process_json,
)
from awsprocesscreds.errors import CacheLockTimeout
from awsprocesscreds.files import write_atomic
from awsprocesscreds.hotpath import cache_directory as _directory_name
from awsprocesscreds.hotpath import cache_key, read_entry

__all__ = ["FileCache", "cache_directory", "cache_key"]

log = logging.getLogger(__name__)


def cache_directory(home: Path) -> Path:
    """Where the cache lives for a given home directory."""
    return Path(_directory_name(str(home)))


class FileCache:
    """A directory of credential entries, one file per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def of_home(cls) -> FileCache:
        """The person's cache; the directory follows $HOME."""
        return cls(cache_directory(Path.home()))

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str, now: datetime) -> Credentials | None:
        """Fresh credentials for ``key`` at ``now``, or None for any kind of miss
        (absent, unreadable, corrupt, foreign, or expiring within 15 minutes). The
        rules are ``hotpath.read_entry``'s, the same the cache-hit path applies."""
        path = self.path_for(key)
        document = read_entry(str(path), format_expiration(now + MIN_REMAINING))
        if document is None:
            try:
                os.lstat(path)
            except OSError as exc:
                reason = "no entry" if exc.errno == errno.ENOENT else exc.strerror
                log.debug("cache miss: %s", reason)
            else:
                log.debug("cache miss: the entry is expiring, unreadable or not ours")
            return None
        log.debug("cache hit")
        return from_process_json(document)

    def put(self, key: str, credentials: Credentials) -> None:
        """Store ``credentials`` atomically; a failure to write is logged, not raised
        (the person still gets their credentials, only the next call logs in again)."""
        if self._write_atomic(f"{key}.json", credentials.to_process_json()):
            log.debug("cache written")
        with contextlib.suppress(OSError):
            os.unlink(self.directory / f"{key}.failed")

    def _write_atomic(self, name: str, text: str) -> bool:
        try:
            self._ensure_directory()
            write_atomic(self.directory / name, text, mode=0o600)
        except OSError as exc:
            log.warning("could not write the credential cache in %s: %s", self.directory, exc)
            return False
        return True

    def clear(self) -> int:
        """Remove every entry (and refusal note); returns how many entries there were."""
        removed = 0
        try:
            names = os.listdir(self.directory)
        except OSError:
            return 0
        for name in names:
            if name.endswith((".json", ".failed")) and not name.startswith("."):
                with contextlib.suppress(OSError):
                    os.unlink(self.directory / name)
                    removed += name.endswith(".json")
        return removed

    def delete(self, key: str) -> bool:
        """Remove the entry for ``key``; True when there was one."""
        try:
            os.unlink(self.path_for(key))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                log.warning("could not remove %s: %s", self.path_for(key), exc.strerror)
            return False
        return True

    @contextlib.contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[bool]:
        """Hold the per-key login lock (an OS file lock, so a killed holder never
        blocks later runs); yields True when another run held it first. Raises
        CacheLockTimeout after ``timeout`` seconds of waiting."""
        import filelock  # only a login takes the lock

        self._ensure_directory()
        lock = filelock.FileLock(str(self.directory / f"{key}.lock"), mode=0o600)
        contended = False
        try:
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                contended = True
                log.debug("another run is logging in with the same settings; waiting")
                lock.acquire(timeout=timeout)
        except filelock.Timeout as exc:
            raise CacheLockTimeout(
                f"another awsprocesscreds-saml login for the same profile has been running "
                f"for over {timeout:.0f} s; finish or stop it, then try again"
            ) from exc
        try:
            yield contended
        finally:
            lock.release()

    def record_failure(self, key: str, message: str) -> None:
        """Remember, briefly, that a login for ``key`` was refused (never a secret:
        ``message`` is our own error text)."""
        self._write_atomic(f"{key}.failed", json.dumps({"message": message}))

    def recent_failure(self, key: str, within: float) -> str | None:
        """The message of a refusal recorded less than ``within`` seconds ago."""
        path = self.directory / f"{key}.failed"
        try:
            age = time.time() - path.stat().st_mtime
            if not 0 <= age < within:
                return None
            message = json.loads(path.read_text(encoding="utf-8")).get("message")
        except (OSError, ValueError, AttributeError):
            return None
        return message if isinstance(message, str) else None

    def _ensure_directory(self) -> None:
        # ~/.aws may hold other tools' secrets: create it private if it is missing, but
        # leave an existing one alone. Our own directories are always private.
        aws_dir = self.directory.parent.parent
        aws_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for directory in (self.directory.parent, self.directory):
            directory.mkdir(mode=0o700, exist_ok=True)
            if directory.stat().st_mode & 0o077:
                directory.chmod(0o700)
