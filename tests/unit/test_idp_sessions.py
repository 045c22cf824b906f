"""Kept IdP sessions on disk: what is kept, for how long, and what is not ours."""

from __future__ import annotations

import json
import os
import stat
from http.cookiejar import Cookie, CookieJar
from pathlib import Path

import pytest

from awsprocesscreds.idp_sessions import MAX_AGE, SessionStore, session_key

NOW = 1_800_000_000.0
IDP = ("okta", "org.example.test", "alice@example.com")


def cookie(
    name: str, value: str, expires: float | None = None, domain: str = "org.example.test"
) -> Cookie:
    return Cookie(
        0, name, value, None, False, domain, False, False, "/", True, True,
        None if expires is None else int(expires), expires is None, None, None, {"HttpOnly": ""},
    )  # fmt: skip


def jar_of(*cookies: Cookie) -> CookieJar:
    jar = CookieJar()
    for item in cookies:
        jar.set_cookie(item)
    return jar


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> SessionStore:
    return SessionStore(tmp_path / ".aws" / "awsprocesscreds" / "sessions", clock)


def test_a_kept_session_comes_back_with_its_cookies(store: SessionStore) -> None:
    store.save(*IDP, jar_of(cookie("sid", "s3cret", NOW + 7200), cookie("DT", "device")))
    loaded = CookieJar()
    assert store.load(*IDP, loaded)
    found = {c.name: c for c in loaded}
    assert found["sid"].value == "s3cret"
    assert found["sid"].expires == int(NOW + 7200)
    assert found["sid"].secure
    assert found["sid"].has_nonstandard_attr("HttpOnly")
    assert found["DT"].expires is None
    [entry] = store.entries()
    assert (entry.provider, entry.host, entry.username) == IDP
    assert entry.usable_until == NOW + 7200  # the IdP's cookie expires before 12 hours


def test_files_are_private(store: SessionStore) -> None:
    store.save(*IDP, jar_of(cookie("sid", "x")))
    path = store.directory / f"{session_key(*IDP)}.session"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.directory.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("later", [MAX_AGE, MAX_AGE + 1, 7200.0])
def test_a_session_is_used_for_at_most_twelve_hours_or_its_cookies_life(
    store: SessionStore, clock: Clock, later: float
) -> None:
    store.save(*IDP, jar_of(cookie("sid", "x", NOW + 7200), cookie("keep", "y")))
    clock.now = NOW + later
    assert not store.load(*IDP, CookieJar())
    assert store.entries() == []
    assert not (store.directory / f"{session_key(*IDP)}.session").exists()


def test_without_cookie_expiry_twelve_hours(store: SessionStore, clock: Clock) -> None:
    store.save(*IDP, jar_of(cookie("ESTSAUTH", "x")))
    clock.now = NOW + MAX_AGE - 1
    assert store.load(*IDP, CookieJar())


def test_sessions_are_per_provider_host_and_user(store: SessionStore) -> None:
    store.save(*IDP, jar_of(cookie("sid", "x")))
    for other in [
        ("adfs", "org.example.test", "alice@example.com"),
        ("okta", "other.example.test", "alice@example.com"),
        ("okta", "org.example.test", "bob@example.com"),
    ]:
        assert not store.load(*other, CookieJar())
    assert store.load("OKTA", "ORG.example.test", "alice@example.com", CookieJar())


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        json.dumps({"v": 2, "cookies": []}),
        json.dumps({"v": 1, "cookies": "x"}),
        json.dumps({"v": 1, "cookies": [], "saved_at": "now", "usable_until": 1}),
        json.dumps(
            {
                "v": 1,
                "provider": "adfs",
                "host": "org.example.test",
                "username": "alice@example.com",
                "saved_at": NOW,
                "usable_until": NOW + 60,
                "cookies": [{"name": "sid", "value": "x", "domain": "d", "path": "/"}],
            }
        ),
        "x" * 300_000,
    ],
)
def test_anything_not_ours_is_no_session(store: SessionStore, content: str) -> None:
    store.directory.mkdir(parents=True)
    (store.directory / f"{session_key(*IDP)}.session").write_text(content)
    assert not store.load(*IDP, CookieJar())


def test_malformed_cookies_are_skipped(store: SessionStore) -> None:
    document = {
        "v": 1,
        "provider": "okta",
        "host": "org.example.test",
        "username": "alice@example.com",
        "saved_at": NOW,
        "usable_until": NOW + 60,
        "cookies": [
            {"name": "sid", "value": "x", "domain": "org.example.test", "path": "/"},
            {"name": 1, "value": "x", "domain": "d", "path": "/"},
            {"name": "old", "value": "x", "domain": "d", "path": "/", "expires": NOW - 1},
            "junk",
        ],
    }
    store.directory.mkdir(parents=True)
    (store.directory / f"{session_key(*IDP)}.session").write_text(json.dumps(document))
    jar = CookieJar()
    assert store.load(*IDP, jar)
    assert [c.name for c in jar] == ["sid"]


def test_a_link_planted_at_the_path_is_not_read(store: SessionStore, tmp_path: Path) -> None:
    store.save(*IDP, jar_of(cookie("sid", "x")))
    path = store.directory / f"{session_key(*IDP)}.session"
    target = tmp_path / "elsewhere"
    path.rename(target)
    os.symlink(target, path)
    assert not store.load(*IDP, CookieJar())


def test_delete_and_clear(store: SessionStore) -> None:
    store.save(*IDP, jar_of(cookie("sid", "x")))
    store.save("adfs", "adfs.example.test", "alice", jar_of(cookie("MSISAuth", "y")))
    assert store.delete(*IDP)
    assert not store.delete(*IDP)
    (store.directory / "unrelated.txt").write_text("keep me")
    assert store.clear() == 1
    assert (store.directory / "unrelated.txt").exists()


def test_an_unwritable_directory_costs_only_the_kept_session(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = SessionStore(blocker / "sessions", clock)
    store.save(*IDP, jar_of(cookie("sid", "s3cret-cookie")))
    assert "could not keep the IdP session" in caplog.text
    assert "s3cret-cookie" not in caplog.text
