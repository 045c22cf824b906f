"""On-disk credential cache: one small JSON file per key under ``~/.aws/``, as the
login path sees it (the cache-hit path reads the same files through ``hotpath``,
with the same functions for keys, locations and what counts as a valid entry).

Entries are written atomically (temp file in the same directory, then ``os.replace``)
with mode 0600, inside directories of mode 0700. Anything unreadable, corrupt,
foreign or too close to expiry is a miss, never a crash. A per-key file lock
(``locks``: released by the kernel when its holder dies) serialises logins.

Files of a key ``K`` (64 hex digits): ``K.json`` (the entry), ``K.about`` (what the
entry is for, no secret, for ``status``), ``K.lock``, ``K.failed`` (a refused login,
for runs that waited on it), ``K.duration`` (see ``durations``),
and temp files ``.K.<suffix>.XXXX.tmp`` while one of them is written. Nothing else in
the directory is ours, and nothing else is touched.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from awsprocesscreds import locks
from awsprocesscreds.credentials import (
    MIN_REMAINING,
    Credentials,
    format_expiration,
    from_process_json,
)
from awsprocesscreds.durations import (
    NOTE_LIFETIME,
    NOTE_MAX_BYTES,
    NOTE_SUFFIX,
    note_name,
    note_text,
    read_note,
)
from awsprocesscreds.errors import CacheLockTimeout
from awsprocesscreds.files import (
    ensure_private_directory,
    home_directory,
    read_own_text,
    remove_stale,
    write_atomic,
)
from awsprocesscreds.hotpath import (
    MIN_REMAINING_SECONDS,
    cache_key,
    expiration_after,
    read_entry,
)
from awsprocesscreds.hotpath import cache_directory as _directory_name
from awsprocesscreds.logs import logger

__all__ = ["FileCache", "cache_directory", "cache_key"]

log = logger(__name__)

#: A refusal note younger than this may still be read by a run that waited on the
#: lock (``login.RECENT_FAILURE`` is shorter), so tidying leaves it and its lock alone.
FAILURE_KEPT_SECONDS = 60.0
#: A refusal note is one short message of ours; anything larger is not ours.
FAILURE_MAX_BYTES = 4096
#: A description is a few short fields; anything larger is not ours.
ABOUT_MAX_BYTES = 4096
_OURS = re.compile(r"(?P<key>[0-9a-f]{64})\.(?P<kind>json|about|lock|failed|duration)")
_OUR_TEMP = re.compile(r"\.[0-9a-f]{64}\.(json|about|failed|duration)\.[^.]+\.tmp")
#: Our temp file this much older than now belongs to a run that died between writing
#: and renaming it (a live write takes milliseconds).
STALE_TEMP_SECONDS = 60.0


def _is_note(name: str) -> bool:
    return name.endswith(NOTE_SUFFIX) and _OURS.fullmatch(name) is not None


def cache_directory(home: Path) -> Path:
    """Where the cache lives for a given home directory."""
    return Path(_directory_name(str(home)))


class FileCache:
    """A directory of credential entries, one file per key."""

    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self._clock = clock

    @classmethod
    def of_home(cls) -> FileCache | None:
        """The person's cache (the directory follows $HOME), or None, with a warning,
        when HOME is unusable: unknown, or relative (which would put the cache under
        whatever directory the AWS tool happens to run in)."""
        home, why_not = home_directory()
        if home is None:
            log.warning("%s; the credential cache is not used", why_not)
            return None
        return cls(cache_directory(home))

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

    def put(self, key: str, credentials: Credentials, about: str | None = None) -> None:
        """Store ``credentials`` atomically, and ``about`` (a description without
        secrets, for ``status``) beside them, first, so that an entry never goes
        with an older entry's description; a failure to write is logged, not raised
        (the person still gets their credentials, only the next call logs in again).
        Also tidies the directory (see ``tidy``)."""
        if about is not None:
            self._write_atomic(f"{key}.about", about)
        if self._write_atomic(f"{key}.json", credentials.to_process_json()):
            log.debug("cache written")
        with contextlib.suppress(OSError):
            os.unlink(self.directory / f"{key}.failed")
        self.tidy()

    def _write_atomic(self, name: str, text: str) -> bool:
        try:
            ensure_private_directory(self.directory)
            write_atomic(self.directory / name, text, mode=0o600)
        except OSError as exc:
            log.warning("could not write the credential cache in %s: %s", self.directory, exc)
            return False
        return True

    def clear(self) -> int:
        """Remove every file of ours (entries, refusal and duration notes, temp files,
        and the lock files no run holds); returns how many entries there were."""
        removed = 0
        lock_files = []
        for name in self._names():
            ours = _OURS.fullmatch(name)
            if ours is not None and ours["kind"] == "lock":
                lock_files.append(self.directory / name)
            elif ours is not None or _OUR_TEMP.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(self.directory / name)
                    if ours is not None and ours["kind"] == "json":
                        removed += 1
        for path in lock_files:
            # Last, and only when free: a held lock belongs to a login in progress.
            locks.remove_if_free(path)
        return removed

    def delete(self, key: str) -> bool:
        """Remove the entry for ``key`` and its description; True when there was one."""
        with contextlib.suppress(OSError):
            os.unlink(self.directory / f"{key}.about")
        try:
            os.unlink(self.path_for(key))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                log.warning("could not remove %s: %s", self.path_for(key), exc.strerror)
            return False
        return True

    def tidy(self) -> None:
        """Remove what nobody will read again: temp files a killed run left (they may
        hold credentials), entries that can no longer be served with their lock and
        refusal files, lock files without an entry, and expired duration notes.
        Entries and locks are only removed while holding the key's lock, so a login
        in progress is never disturbed."""
        now = self._clock()
        remove_stale(self.directory, _OUR_TEMP.fullmatch, now, STALE_TEMP_SECONDS)
        remove_stale(self.directory, _is_note, now, NOTE_LIFETIME)
        fresh_until = expiration_after(MIN_REMAINING_SECONDS, clock=self._clock)
        keys = set()
        for name in self._names():
            ours = _OURS.fullmatch(name)
            if ours is not None and ours["kind"] in ("json", "about", "lock"):
                keys.add(ours["key"])
        for key in sorted(keys):
            if read_entry(str(self.path_for(key)), fresh_until) is None:
                self._drop_key(key, fresh_until, now)

    def _drop_key(self, key: str, fresh_until: str, now: float) -> None:
        failed = self.directory / f"{key}.failed"
        try:
            with locks.hold(self.directory / f"{key}.lock", 0, "tidying") as held:
                if read_entry(str(self.path_for(key)), fresh_until) is not None:
                    return  # a login has just written it
                found = read_own_text(failed, FAILURE_MAX_BYTES)
                if found is not None and now - found[1] < FAILURE_KEPT_SECONDS:
                    return
                for path in (self.path_for(key), failed, self.directory / f"{key}.about"):
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                held.remove()
        except (OSError, CacheLockTimeout):
            pass  # unwritable, or held by a login in progress: leave it

    @contextlib.contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[bool]:
        """Hold the per-key login lock (an OS file lock, so a killed holder never
        blocks later runs); yields True when another run held it first. Raises
        CacheLockTimeout after ``timeout`` seconds of waiting. When the key has no
        entry to serve at the end (the login failed), the lock file is removed
        before it is released, so lock files do not pile up."""
        ensure_private_directory(self.directory)
        path = self.directory / f"{key}.lock"
        description = "another awsprocesscreds-saml login for the same profile"
        waiting = "another run is logging in with the same settings; waiting"
        with locks.hold(path, timeout, description, lambda: log.debug(waiting)) as held:
            try:
                yield held.contended
            finally:
                fresh_until = expiration_after(MIN_REMAINING_SECONDS, clock=self._clock)
                if read_entry(str(self.path_for(key)), fresh_until) is None:
                    held.remove()

    def record_failure(self, key: str, message: str) -> None:
        """Remember, briefly, that a login for ``key`` was refused (never a secret:
        ``message`` is our own error text)."""
        self._write_atomic(f"{key}.failed", json.dumps({"message": message}))

    def recent_failure(self, key: str, within: float) -> str | None:
        """The message of a refusal recorded less than ``within`` seconds ago. Read
        only from a regular file we own (a FIFO planted there cannot hold us)."""
        found = read_own_text(self.directory / f"{key}.failed", FAILURE_MAX_BYTES)
        if found is None:
            return None
        text, mtime = found
        if not 0 <= self._clock() - mtime < within:
            return None
        try:
            message = json.loads(text).get("message")
        except (ValueError, AttributeError):
            return None
        return message if isinstance(message, str) else None

    def accepted_duration(self, role_arn: str, asked: int) -> int | None:
        """The shorter session ``role_arn`` accepted, in the last day, when ``asked``
        seconds were asked for (see ``durations``); None when nothing is known."""
        found = read_own_text(self.directory / note_name(role_arn, asked), NOTE_MAX_BYTES)
        if found is None or not 0 <= self._clock() - found[1] < NOTE_LIFETIME:
            return None
        return read_note(found[0], asked)

    def remember_duration(self, role_arn: str, asked: int, accepted: int) -> None:
        """Note that ``role_arn`` accepted ``accepted`` seconds where ``asked`` was
        refused; a failure to write costs only the note."""
        if self._write_atomic(note_name(role_arn, asked), note_text(asked, accepted)):
            log.debug("noted that this role accepts %d s sessions, not %d s", accepted, asked)

    def keys(self) -> list[str]:
        """The keys that have an entry file (fresh or not), sorted."""
        found = (_OURS.fullmatch(name) for name in self._names())
        return sorted(ours["key"] for ours in found if ours is not None and ours["kind"] == "json")

    def about(self, key: str) -> str | None:
        """The description written with ``key``'s entry (None: none, or not ours)."""
        found = read_own_text(self.directory / f"{key}.about", ABOUT_MAX_BYTES)
        return None if found is None else found[0]

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.directory)
        except OSError:
            return []
