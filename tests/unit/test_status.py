"""The ``status`` listing: descriptions beside cache entries and the lines (pure parts,
real files for the cache)."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from awsprocesscreds.cache import FileCache, cache_directory
from awsprocesscreds.credentials import Credentials
from awsprocesscreds.idp_sessions import KeptSession
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.status import (
    OLDER,
    CachedSet,
    cached_sets,
    describe,
    in_words,
    lines,
    read_about,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
T = NOW.timestamp()
REQUEST = CredentialRequest(
    "adfs", "https://idp.example.com/adfs/ls", "alice", "arn:aws:iam::1:role/A"
)
ROW = "adfs  idp.example.com  alice  arn:aws:iam::1:role/A"
ABOUT = ("adfs", "idp.example.com", "alice", "arn:aws:iam::1:role/A")


def hhmm(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%H:%M")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "under a minute"),
        (59.9, "under a minute"),
        (60, "1 min"),
        (47 * 60 + 59, "47 min"),
        (3600, "1 h 0 min"),
        (5 * 3600 + 12 * 60 + 30, "5 h 12 min"),
    ],
)
def test_in_words(seconds: float, words: str) -> None:
    assert in_words(seconds) == words


def test_a_description_round_trips_and_holds_what_picked_the_entry() -> None:
    text = describe(REQUEST)
    assert json.loads(text) == {
        "provider": "adfs",
        "host": "idp.example.com",
        "username": "alice",
        "role_arn": "arn:aws:iam::1:role/A",
        "duration": None,
        "entity_id": None,
    }
    assert read_about(text) == ABOUT
    picked = describe(CredentialRequest("adfs", REQUEST.endpoint, "alice"), ABOUT[3])
    assert read_about(picked) == ABOUT
    assert read_about(describe(CredentialRequest("okta", "https://o/x", "bob"))) == (
        "okta",
        "o",
        "bob",
        "",
    )


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "{",
        "[]",
        '{"provider": "adfs"}',
        json.dumps({**json.loads(describe(REQUEST)), "username": 7}),
        json.dumps({**json.loads(describe(REQUEST)), "role_arn": ["x"]}),
    ],
)
def test_descriptions_not_ours_are_none(text: str | None) -> None:
    assert read_about(text) is None


def test_lines_are_sorted_and_say_when() -> None:
    cached = [
        CachedSet(T + 47 * 60, ("okta", "o.example", "bob", "")),
        CachedSet(T + 10 * 60, None),
        CachedSet(T + 3600, ABOUT),
        CachedSet(T + 5 * 60, ("adfs", "idp.example.com", "alice", "arn:aws:iam::1:role/A")),
    ]
    sessions = [
        KeptSession("okta", "o.example", "bob", T + 3600),
        KeptSession("adfs", "idp.example.com", "alice", T + 5 * 3600 + 12 * 60),
    ]
    assert lines(cached, sessions, T, hhmm) == [
        f"credentials  {ROW}  expires in 5 min (renewed at the next use)",
        f"credentials  {ROW}  expires in 1 h 0 min",
        "credentials  okta  o.example  bob  (role not recorded)  expires in 47 min",
        f"credentials  {OLDER}  expires in 10 min (renewed at the next use)",
        "idp-session  adfs  idp.example.com  alice  usable for 5 h 12 min, until 17:12",
        "idp-session  okta  o.example  bob  usable for 1 h 0 min, until 13:00",
    ]
    assert lines([], [], T) == []


def creds(expires_in: timedelta) -> Credentials:
    return Credentials("ASIAEXAMPLE", "secret/key", "token==", NOW + expires_in)


@pytest.fixture
def cache(tmp_path: Path) -> FileCache:
    return FileCache(cache_directory(tmp_path), clock=lambda: T)


def test_the_description_is_written_private_beside_the_entry(cache: FileCache) -> None:
    cache.put("a" * 64, creds(timedelta(hours=1)), about=describe(REQUEST))
    path = cache.directory / f"{'a' * 64}.about"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cache.about("a" * 64) == describe(REQUEST)
    assert cached_sets(cache, T) == [CachedSet((NOW + timedelta(hours=1)).timestamp(), ABOUT)]
    assert cached_sets(cache, T, ["b" * 64]) == []


def test_expired_entries_are_not_listed_and_older_ones_have_no_description(
    cache: FileCache,
) -> None:
    cache.put("a" * 64, creds(timedelta(hours=1)))
    cache.put("b" * 64, creds(timedelta(hours=1)), about=describe(REQUEST))
    assert [item.about for item in cached_sets(cache, T)] == [None, ABOUT]
    assert cached_sets(cache, T + 2 * 3600) == []


def test_delete_clear_and_tidy_remove_descriptions(cache: FileCache) -> None:
    for key, left in (("a", 1), ("b", 1), ("c", 2)):
        cache.put(key * 64, creds(timedelta(hours=left)), about=describe(REQUEST))
    assert cache.delete("a" * 64)
    assert sorted(p.name for p in cache.directory.glob("*.about")) == [
        f"{'b' * 64}.about",
        f"{'c' * 64}.about",
    ]
    # An hour and a half later, b can no longer be served: tidying drops it whole.
    later = FileCache(cache.directory, clock=lambda: T + 5400)
    later.tidy()
    assert sorted(p.name for p in cache.directory.glob("*.about")) == [f"{'c' * 64}.about"]
    (cache.directory / f"{'d' * 64}.about").write_text("{}")  # a description without entry
    later.tidy()
    assert not (cache.directory / f"{'d' * 64}.about").exists()
    assert cache.clear() == 1
    assert list(cache.directory.iterdir()) == []
