"""benchmarks/logins.py against the real parts: the installed command, started by the
benchmark's spawner, signing in at the AD FS emulator with moto as STS. A refresh is
counted only when it is one GET of the entry URL on the kept session; a refresh that
signs in again makes the benchmark fail instead of timing the wrong thing. The refresh
with the standard library alone (``floor_refresh.py``) is held to the same rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks.logins import Login, measure_logins
from benchmarks.processes import BenchError, Command, Spawner
from benchmarks.scenarios import floor_refresh
from benchmarks.tools import FLOOR, OURS, OURS_REFRESH, PASSWORD, child_env, tool_args, with_args
from tests.emulators import AdfsEmulator, MotoSts
from tests.emulators.adfs_core import ENTRY_PATH
from tests.emulators.tls import TestTls

OURS_SCRIPT = Path(sys.executable).with_name("awsprocesscreds-saml")


def _command(name: str, home: Path, tls: TestTls, sts: MotoSts, entry_url: str) -> Command:
    home.mkdir()
    env = child_env(home, tls.ca_file, sts.url)
    env["AWSPROCESSCREDS_PASSWORD"] = PASSWORD
    return Command(name, (str(OURS_SCRIPT), *tool_args(entry_url)), env)


def test_refreshes_are_one_get_on_the_kept_session(
    tls: TestTls, sts: MotoSts, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    spawner = Spawner(sys.executable, out)
    try:
        with AdfsEmulator(tls) as idp:
            full = _command(OURS, tmp_path / "full", tls, sts, idp.entry_url)
            refresh = _command(OURS_REFRESH, tmp_path / "refresh", tls, sts, idp.entry_url)
            # The standard library alone, on the session the refresh keeps.
            floor = floor_refresh(sys.executable, refresh, idp, sts)
            logins = [
                Login(full, idp),
                Login(refresh, idp, ENTRY_PATH, kept_session=True),
                Login(floor, idp, ENTRY_PATH, kept_session=True, borrows_session=True),
            ]
            runs, requests = measure_logins(spawner, logins, 2)
            assert [len(runs[name]) for name in (OURS, OURS_REFRESH, FLOOR)] == [2, 2, 2]
            one_get = [f"GET {ENTRY_PATH}", "GET /adfs/ls/"]
            assert requests == {OURS_REFRESH: one_get, FLOOR: one_get}
            # The refresh's first sign-in and the three full ones (warm-up included);
            # the three refreshes and the floor's three are session reuses.
            assert (idp.sign_ins, idp.session_reuses) == (4, 6)
            written = Path(refresh.env["HOME"]) / "floor-credentials.json"
            assert written.stat().st_mode & 0o777 == 0o600
            assert json.loads(written.read_text())["AccessKeyId"]

            # Without a kept session the "refresh" signs in: the benchmark refuses it.
            signing_in = with_args(refresh, ["--no-idp-session"])
            with pytest.raises(BenchError, match="1 sign-ins and 0 session reuses"):
                measure_logins(spawner, [Login(signing_in, idp, ENTRY_PATH, kept_session=True)], 1)
    finally:
        spawner.close()
