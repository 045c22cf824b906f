"""The files we read and leave behind, through the installed CLI: things planted at
our paths never hold a run, a relative HOME keeps the cache out of the working
directory, and logout --all leaves nothing of ours."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from awsprocesscreds.cache import cache_key
from awsprocesscreds.locks import hold
from awsprocesscreds.request import CredentialRequest
from tests.cli_runner import CLI, Run, run_without_terminal
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import AdfsEmulator, TestTls

#: A run that hangs fails the test instead of holding the suite.
BOUND = 60


def cache_dir(home: Path) -> Path:
    return home / ".aws" / "awsprocesscreds" / "cache"


def planted(home: Path, idp: AdfsEmulator, suffix: str) -> Path:
    """The path of this profile's file with ``suffix``, its directory made as ours."""
    directory = cache_dir(home)
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    key = cache_key(CredentialRequest("adfs", idp.entry_url, USER).key_parts())
    return directory / f"{key}{suffix}"


def args(idp: AdfsEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "adfs", *extra]


def test_a_fifo_at_the_entry_costs_a_login_not_a_hang(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        entry = planted(home, idp, ".json")
        os.mkfifo(entry)
        run = run_without_terminal(
            args(idp), {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}, timeout=BOUND
        )
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    run.credentials()
    assert cache_files(home) == [entry]  # the FIFO was replaced by a real entry


def test_a_fifo_at_the_refusal_note_costs_a_login_not_a_hang(
    tls: TestTls, env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    """The refusal note is read by a run that waited for another's login: hold the
    lock until the run waits, then let it go on to read the note."""
    stderr = tmp_path / "stderr"
    with AdfsEmulator(tls) as idp:
        os.mkfifo(planted(home, idp, ".failed"))
        lock = planted(home, idp, ".lock")
        with hold(lock, 5, "the test"), stderr.open("w") as err:
            child = subprocess.Popen(
                [CLI, *args(idp, "-v")],
                env={**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                start_new_session=True,
            )
            for _ in range(BOUND * 20):  # until it waits for our lock (bounded)
                if "waiting" in stderr.read_text() or child.poll() is not None:
                    break
                time.sleep(0.05)
            assert "waiting" in stderr.read_text()
        try:
            stdout, _ = child.communicate(timeout=BOUND)
        finally:
            child.kill()
        assert idp.logins == 1
    run = Run(child.returncode, stdout, stderr.read_text(), "")
    assert run.code == 0, run.stderr
    run.credentials()


def test_an_entry_with_an_impossible_date_is_a_miss_on_every_path(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    bogus = (
        '{"Version": 1, "AccessKeyId": "ASIABOGUS", "SecretAccessKey": "s", '
        '"SessionToken": "t", "Expiration": "2099-13-45T99:99:99Z"}'
    )
    with AdfsEmulator(tls) as idp:
        entry = planted(home, idp, ".json")
        for extra in ((), ("-v",)):
            entry.write_text(bogus)
            entry.chmod(0o600)
            run = run_without_terminal(
                args(idp, *extra), {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
            )
            assert run.code == 0, run.stderr
            assert run.credentials()["AccessKeyId"] != "ASIABOGUS"
        assert idp.logins == 2


def test_a_duration_in_other_digits_is_a_usage_error_not_a_traceback(
    env: dict[str, str],
) -> None:
    run = run_without_terminal(
        ["-e", "https://idp.example.com/x", "-u", USER, "-p", "adfs", "--duration", "\u00b2"],
        env,
    )
    assert run.code == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert "usage:" in run.stderr
    assert "--duration" in run.stderr


def test_a_relative_home_means_no_cache(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    relative = {**env, "HOME": "home", "AWSPROCESSCREDS_PASSWORD": PASSWORD}
    with AdfsEmulator(tls) as idp:
        runs = [run_without_terminal(args(idp), relative, BOUND, cwd=workdir) for _ in range(2)]
        assert idp.logins == 2  # nothing was cached, nothing was served
    for run in runs:
        assert run.code == 0, run.stderr
        assert "HOME is not an absolute path" in run.stderr
        run.credentials()
    assert list(workdir.iterdir()) == []


def test_logout_all_leaves_nothing_of_ours(tls: TestTls, env: dict[str, str], home: Path) -> None:
    with AdfsEmulator(tls) as idp:
        with_password = {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
        assert run_without_terminal(args(idp), with_password).code == 0
        assert run_without_terminal(args(idp, "--duration", "1800"), with_password).code == 0
        entry = planted(home, idp, ".json")
        killed = entry.with_name(f".{entry.name}.k1ll3d00.tmp")
        killed.write_text('{"SecretAccessKey": "left by a killed run"}')
        refused = run_without_terminal(
            args(idp, "--duration", "2700", "--no-idp-session"),
            {**env, "AWSPROCESSCREDS_PASSWORD": "wrong"},
        )
    assert refused.code != 0
    directory = cache_dir(home)
    names = os.listdir(directory)
    kinds = {name.rsplit(".", 1)[1] for name in names}
    assert kinds == {"json", "about", "lock", "failed", "tmp"}
    out = run_without_terminal(["logout", "--all"], env)
    assert out.code == 0, out.stderr
    assert "Removed 2 cached credential sets." in out.stdout
    assert os.listdir(directory) == []
