"""Cache policy, key derivation and file handling (real files in a temp directory)."""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from awsprocesscreds.cache import FileCache, cache_directory, cache_key
from awsprocesscreds.credentials import Credentials, format_expiration, parse_expiration
from awsprocesscreds.durations import read_note
from awsprocesscreds.errors import CacheLockTimeout
from awsprocesscreds.request import CredentialRequest

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def creds(expires_in: timedelta) -> Credentials:
    return Credentials("ASIAEXAMPLE", "secret/key", "token==", NOW + expires_in)


@pytest.fixture
def cache(tmp_path: Path) -> FileCache:
    return FileCache(cache_directory(tmp_path), clock=NOW.timestamp)


def test_directory_follows_home(tmp_path: Path) -> None:
    assert cache_directory(tmp_path) == tmp_path / ".aws" / "awsprocesscreds" / "cache"


def test_key_is_stable_and_covers_every_part() -> None:
    base = CredentialRequest("adfs", "https://idp/x", "alice", "arn:aws:iam::1:role/A", None)
    assert cache_key(base.key_parts()) == cache_key(dict(reversed(base.key_parts().items())))
    variants = [
        CredentialRequest("okta", base.endpoint, base.username, base.role_arn),
        CredentialRequest(base.provider, "https://idp/y", base.username, base.role_arn),
        CredentialRequest(base.provider, base.endpoint, "bob", base.role_arn),
        CredentialRequest(base.provider, base.endpoint, base.username, "arn:aws:iam::1:role/B"),
        CredentialRequest(base.provider, base.endpoint, base.username, None),
        CredentialRequest(base.provider, base.endpoint, base.username, base.role_arn, 7200),
    ]
    keys = {cache_key(v.key_parts()) for v in variants} | {cache_key(base.key_parts())}
    assert len(keys) == len(variants) + 1


def test_how_we_log_in_does_not_change_the_key() -> None:
    a = CredentialRequest("okta", "https://idp", "alice", mfa_factor="push", timeout=5)
    b = CredentialRequest("okta", "https://idp", "alice", mfa_factor="totp", use_cache=False)
    assert cache_key(a.key_parts()) == cache_key(b.key_parts())


@pytest.mark.parametrize(
    ("left", "served"),
    [
        (timedelta(hours=1), True),
        (timedelta(minutes=15), True),
        (timedelta(minutes=14, seconds=59), False),
        (timedelta(minutes=1), False),
        (timedelta(minutes=-5), False),
    ],
)
def test_entries_close_to_expiry_are_not_served(
    cache: FileCache, left: timedelta, served: bool
) -> None:
    cache.put("k", creds(left))
    assert (cache.get("k", NOW) is not None) is served


def test_round_trip_and_file_modes(cache: FileCache) -> None:
    stored = creds(timedelta(hours=1))
    cache.put("k", stored)
    assert cache.get("k", NOW) == stored
    entry = cache.path_for("k")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.directory.parent.stat().st_mode) == 0o700
    assert json.loads(entry.read_text())["Version"] == 1
    assert [p.name for p in cache.directory.iterdir()] == ["k.json"]  # no temp files left


def test_a_shorter_entry_replaces_a_longer_one_whole(cache: FileCache) -> None:
    long = Credentials("A" * 40, "S" * 400, "T" * 2000, NOW + timedelta(hours=2))
    cache.put("k", long)
    short = creds(timedelta(hours=1))
    cache.put("k", short)
    assert cache.get("k", NOW) == short
    assert len(cache.path_for("k").read_bytes()) == len(short.to_process_json())


def test_existing_loose_directory_is_tightened(tmp_path: Path) -> None:
    directory = cache_directory(tmp_path)
    directory.mkdir(parents=True, mode=0o755)
    directory.chmod(0o755)
    FileCache(directory).put("k", creds(timedelta(hours=1)))
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"Version": 2, "AccessKeyId": "a"}',
        b'{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c"}',
        b'{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c",'
        b' "Expiration": "2099-01-01T00:00:00"}',
        b'{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c",'
        b' "Expiration": "tomorrow"}',
        b"{" + b" " * (70 * 1024) + b"}",
    ],
)
def test_corrupt_or_foreign_entries_are_misses(cache: FileCache, content: bytes) -> None:
    cache.directory.mkdir(parents=True)
    cache.path_for("k").write_bytes(content)
    assert cache.get("k", NOW) is None
    cache.put("k", creds(timedelta(hours=1)))  # and the next write repairs it
    assert cache.get("k", NOW) is not None


def test_symlinked_entry_is_a_miss(cache: FileCache, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text(creds(timedelta(hours=1)).to_process_json())
    cache.directory.mkdir(parents=True)
    os.symlink(target, cache.path_for("k"))
    assert cache.get("k", NOW) is None


def test_unwritable_directory_is_logged_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    broken = FileCache(blocker / "cache")  # a path under a file can never be created
    broken.put("k", creds(timedelta(hours=1)))
    assert broken.get("k", NOW) is None


def test_delete(cache: FileCache) -> None:
    cache.put("k", creds(timedelta(hours=1)))
    assert cache.delete("k") is True
    assert cache.delete("k") is False


def test_lock_reports_contention_and_times_out(cache: FileCache) -> None:
    with cache.lock("k", timeout=1) as contended:
        assert contended is False
        with pytest.raises(CacheLockTimeout, match="another awsprocesscreds-saml login"):  # noqa: SIM117
            with cache.lock("k", timeout=0.2):
                pass  # pragma: no cover
        with cache.lock("other", timeout=0.2) as other:  # different keys never wait
            assert other is False
        lock_file = cache.directory / "k.lock"
        assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600


def test_recent_failure_is_remembered_briefly_and_cleared_by_success(cache: FileCache) -> None:
    cache = FileCache(cache.directory)  # the note's age is by the real clock
    cache.record_failure("k", "AD FS refused the login")
    assert cache.recent_failure("k", within=30) == "AD FS refused the login"
    assert cache.recent_failure("other", within=30) is None
    old = cache.directory / "k.failed"
    os.utime(old, (0, 0))
    assert cache.recent_failure("k", within=30) is None
    cache.record_failure("k", "refused")
    cache.put("k", creds(timedelta(hours=1)))
    assert cache.recent_failure("k", within=30) is None


@pytest.mark.parametrize(
    "text",
    ["2026-11-23T12:00:00Z", "2026-11-23T12:00:00+00:00", "2026-11-23T13:00:00+01:00"],
)
def test_expiration_parsing_needs_a_timezone(text: str) -> None:
    assert parse_expiration(text) == NOW
    assert format_expiration(parse_expiration(text)) == "2026-11-23T12:00:00Z"


def test_naive_expiration_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        parse_expiration("2026-11-23T12:00:00")


def test_credentials_repr_hides_secrets() -> None:
    text = repr(creds(timedelta(hours=1)))
    assert "secret/key" not in text
    assert "token==" not in text


# --- files we read, files we leave behind -------------------------------------------

KEY = "a" * 64
OTHER = "b" * 64
THIRD = "c" * 64


def test_a_fifo_at_the_refusal_note_is_no_refusal_and_does_not_hang(cache: FileCache) -> None:
    cache.directory.mkdir(parents=True)
    fifo = cache.directory / f"{KEY}.failed"
    os.mkfifo(fifo)
    got: list[str | None] = []
    reader = threading.Thread(target=lambda: got.append(cache.recent_failure(KEY, within=30)))
    reader.start()
    reader.join(timeout=10)
    hung = reader.is_alive()
    if hung:  # release the blocked open() so the thread can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
    assert not hung
    assert got == [None]


def test_a_stale_temp_file_is_removed_when_the_cache_is_written(cache: FileCache) -> None:
    cache.directory.mkdir(parents=True)
    stale = cache.directory / f".{KEY}.json.k1ll3d_1.tmp"
    fresh = cache.directory / f".{OTHER}.json.wr1t1ng2.tmp"
    foreign = cache.directory / ".someone-elses.tmp"
    for path in (stale, fresh, foreign):
        path.write_text('{"SecretAccessKey": "left behind"}')
    os.utime(stale, (0, 0))
    os.utime(foreign, (0, 0))
    cache.put(THIRD, creds(timedelta(hours=1)))
    assert not stale.exists()
    assert fresh.exists()  # may be a write in progress
    assert foreign.exists()  # not ours


def test_logout_all_removes_every_file_of_ours(cache: FileCache) -> None:
    cache.put(KEY, creds(timedelta(hours=1)))
    with cache.lock(OTHER, timeout=1):
        cache.put(OTHER, creds(timedelta(hours=2)))
    cache.record_failure(THIRD, "refused")
    cache.remember_duration("arn:aws:iam::1:role/A", 28800, 3600)
    (cache.directory / f".{KEY}.json.abcdefgh.tmp").write_text("{}")
    (cache.directory / "README").write_text("not ours")
    assert cache.clear() == 2
    assert sorted(p.name for p in cache.directory.iterdir()) == ["README"]


def test_logout_all_leaves_a_lock_a_login_holds(cache: FileCache) -> None:
    with cache.lock(KEY, timeout=1):
        cache.put(KEY, creds(timedelta(hours=1)))
        assert cache.clear() == 1
        assert (cache.directory / f"{KEY}.lock").exists()


def test_lock_files_do_not_pile_up(tmp_path: Path) -> None:
    clock = [NOW.timestamp()]
    cache = FileCache(cache_directory(tmp_path), clock=lambda: clock[0])
    with cache.lock(KEY, timeout=1):
        pass  # a login that failed: no entry
    with cache.lock(OTHER, timeout=1):
        cache.put(OTHER, Credentials("A", "S", "T", NOW + timedelta(hours=1)))
    with cache.lock(THIRD, timeout=1):
        cache.put(THIRD, Credentials("A", "S", "T", NOW + timedelta(hours=8)))
    assert sorted(p.name for p in cache.directory.iterdir()) == [
        f"{OTHER}.json",
        f"{OTHER}.lock",
        f"{THIRD}.json",
        f"{THIRD}.lock",
    ]
    cache.delete(THIRD)  # logout of one profile: its lock stays, for now
    clock[0] += 2 * 3600  # OTHER's entry has expired
    cache.put(KEY, Credentials("A", "S", "T", NOW + timedelta(hours=10)))
    assert sorted(p.name for p in cache.directory.iterdir()) == [f"{KEY}.json"]


def test_tidying_leaves_a_fresh_refusal_for_the_runs_waiting_on_it(tmp_path: Path) -> None:
    clock = [NOW.timestamp()]
    cache = FileCache(cache_directory(tmp_path), clock=lambda: clock[0])
    cache.directory.mkdir(parents=True)
    (cache.directory / f"{OTHER}.lock").write_text("")
    cache.record_failure(OTHER, "refused")
    os.utime(cache.directory / f"{OTHER}.failed", (clock[0], clock[0]))
    cache.put(KEY, creds(timedelta(hours=1)))
    assert (cache.directory / f"{OTHER}.failed").exists()
    clock[0] += 120
    cache.put(KEY, creds(timedelta(hours=1)))
    assert not (cache.directory / f"{OTHER}.failed").exists()
    assert not (cache.directory / f"{OTHER}.lock").exists()


def test_role_duration_notes_are_remembered_for_a_day(tmp_path: Path) -> None:
    clock = [NOW.timestamp()]
    cache = FileCache(cache_directory(tmp_path), clock=lambda: clock[0])
    role = "arn:aws:iam::123456789012:role/Dev"
    assert cache.accepted_duration(role, 28800) is None
    cache.remember_duration(role, 28800, 3600)
    [note] = list(cache.directory.iterdir())
    assert stat.S_IMODE(note.stat().st_mode) == 0o600
    assert "Dev" not in note.name
    assert "Dev" not in note.read_text()
    os.utime(note, (clock[0], clock[0]))
    assert cache.accepted_duration(role, 28800) == 3600
    assert cache.accepted_duration(role, 7200) is None
    assert cache.accepted_duration("arn:aws:iam::123456789012:role/Ops", 28800) is None
    clock[0] += 25 * 3600
    assert cache.accepted_duration(role, 28800) is None
    cache.put(KEY, Credentials("A", "S", "T", NOW + timedelta(hours=30)))
    assert not note.exists()  # expired notes are tidied away


@pytest.mark.parametrize(
    ("text", "asked", "accepted"),
    [
        ('{"asked": 28800, "accepted": 3600}', 28800, 3600),
        ('{"asked": 28800, "accepted": 3600}', 7200, None),
        ('{"asked": 28800, "accepted": 28800}', 28800, None),
        ('{"asked": 28800, "accepted": 60}', 28800, None),
        ('{"asked": 28800, "accepted": 3600.0}', 28800, None),
        ('{"asked": 28800, "accepted": true}', 28800, None),
        ('{"asked": "28800", "accepted": 3600}', 28800, None),
        ('{"asked": 28800}', 28800, None),
        ("[]", 28800, None),
        ("not json", 28800, None),
    ],
)
def test_reading_a_duration_note(text: str, asked: int, accepted: int | None) -> None:
    assert read_note(text, asked) == accepted
