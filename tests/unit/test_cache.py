"""Cache policy, key derivation and file handling (real files in a temp directory)."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from awsprocesscreds.cache import FileCache, cache_directory, cache_key
from awsprocesscreds.credentials import Credentials, format_expiration, parse_expiration
from awsprocesscreds.errors import CacheLockTimeout
from awsprocesscreds.request import CredentialRequest

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def creds(expires_in: timedelta) -> Credentials:
    return Credentials("ASIAEXAMPLE", "secret/key", "token==", NOW + expires_in)


@pytest.fixture
def cache(tmp_path: Path) -> FileCache:
    return FileCache(cache_directory(tmp_path))


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
