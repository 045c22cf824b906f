"""The measurements: cold logins, cache hits, parallel cold start, HTTP round trips.

Contract: :func:`measure_all` starts the spawner, the emulators (AD FS 2.0, AD FS 2016+,
Okta and Entra ID, HTTPS on 127.0.0.1 with a throw-away CA) and moto as STS, takes every
measurement in turn and stops them all before it returns. It returns JSON-ready results:
``rss_floor_mb``, ``cache_hit`` and ``cold_login`` (summaries per command: ours and
0.0.2 on AD FS 2.0, ours refreshing on a kept AD FS 2.0 session and that refresh with
the standard library alone, ours on Entra ID without and with a push), ``refresh``
(that refresh beside the full sign-ins of the same rounds, see
``report.refresh_summary``), ``cache_hit_paired``, ``parallel`` (the same AD
FS 2.0 commands, and ours on Entra ID with a push) and ``round_trips`` (per sign-in: AD
FS, Okta, Entra ID managed with a push and Entra ID federated through AD FS). A baseline
that cannot log in against the emulators is dropped, with the reason in
``baseline.problem``. A run that prints no credentials, a cold login that does not log
in at the IdP and call STS exactly once, a refresh that is not one round trip on the
kept session (see ``logins.py``) and a cache hit that logs in raise :class:`BenchError`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from awsprocesscreds.idp_sessions import SessionStore, sessions_directory
from benchmarks.entra import FEDERATED_USER, entra_args, start_entra
from benchmarks.installs import Baseline
from benchmarks.logins import Login, delta, measure_logins, rotated, sts_calls
from benchmarks.processes import BenchError, Command, Run, Spawner, mb
from benchmarks.report import paired_ratios, refresh_summary, summary
from benchmarks.tools import (
    BASELINE,
    FLOOR,
    LABELS,
    OURS,
    OURS_ENTRA,
    OURS_ENTRA_PUSH,
    OURS_REFRESH,
    PASSWORD,
    PYTHON,
    ROLE_ARN,
    USER,
    check_credentials,
    child_env,
    clear_cache,
    tool_args,
    with_args,
)
from tests.emulators import AdfsEmulator, MotoSts, OktaEmulator, make_tls
from tests.emulators.adfs import LOGIN_PATH
from tests.emulators.adfs_core import ENTRY_PATH
from tests.emulators.server import EmulatorServer

#: Hard limit (seconds) on each process of the parallel cold start.
PARALLEL_TIMEOUT = 180


@dataclass(frozen=True)
class Trip:
    """One login whose HTTP requests are counted: ``seen`` returns the request log (of
    one emulator, or the journal of several), ``args`` the command's login arguments."""

    label: str
    seen: Callable[[], list[tuple[str, str]]]
    args: Sequence[str]
    tools: Sequence[Command]


def measure_all(
    args: argparse.Namespace,
    scratch: Path,
    *,
    python: str,
    ours_script: Path,
    baseline: Baseline,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Start the services and the spawner, then take every measurement."""
    out_dir = scratch / "out"
    out_dir.mkdir()
    password_file = scratch / "password"
    password_file.write_text(PASSWORD + "\n")
    password_file.chmod(0o600)
    tls = make_tls(scratch)
    with ExitStack() as stack:
        spawner = Spawner(sys.executable, out_dir)
        stack.callback(spawner.close)
        log("starting the AD FS 2.0, AD FS, Okta and Entra ID emulators and moto (STS)")
        sts = stack.enter_context(MotoSts())
        idp = stack.enter_context(Adfs2Emulator(tls, variant="adfs2"))
        modern = stack.enter_context(AdfsEmulator(tls))
        okta = stack.enter_context(OktaEmulator(tls))
        entra = start_entra(stack, tls)

        def tool(name: str, script: Path, stdin: str = "") -> Command:
            # A home per command: emptying one's cache must not empty another's.
            home = scratch / f"home-{name.replace(' ', '-')}"
            home.mkdir(exist_ok=True)
            env = child_env(home, tls.ca_file, sts.url)
            if name != BASELINE:
                env["AWSPROCESSCREDS_PASSWORD"] = PASSWORD
            return Command(name, (str(script),), env, stdin)

        tools = [tool(OURS, ours_script)]
        if baseline.script is not None:
            # 0.0.2 asks with getpass: without a terminal it reads the password from stdin.
            tools.append(tool(BASELINE, baseline.script, str(password_file)))
        bare = Command(PYTHON, (python, "-c", "pass"), tools[0].env)
        adfs2_tools = [with_args(t, tool_args(idp.entry_url)) for t in tools]
        if len(tools) > 1:
            baseline.problem = probe_login(spawner, adfs2_tools[1])
            if baseline.problem:
                log(f"baseline not measured: {baseline.problem}")
                del tools[1:], adfs2_tools[1:]

        entra_plain = with_args(tool(OURS_ENTRA, ours_script), entra_args(entra.plain))
        entra_push = with_args(tool(OURS_ENTRA_PUSH, ours_script), entra_args(entra.push))
        # A HOME of its own: the cold logins of OURS empty theirs, kept session included.
        refresh = with_args(tool(OURS_REFRESH, ours_script), tool_args(idp.entry_url))
        floor = floor_refresh(python, refresh, idp, sts)
        logins = [
            *(Login(t, idp) for t in adfs2_tools),
            Login(refresh, idp, ENTRY_PATH, kept_session=True),
            # Right after the refresh: it refreshes on the session the refresh keeps.
            Login(floor, idp, ENTRY_PATH, kept_session=True, borrows_session=True),
            Login(entra_plain, entra.plain),
            Login(entra_push, entra.push),
        ]
        log(
            f"cold logins and refreshes with a kept IdP session: {args.cold_runs} per command "
            "(+1 warm-up), interleaved"
        )
        cold, refresh_requests = measure_logins(spawner, logins, args.cold_runs)
        log(f"cache hits: {args.rounds} rounds (+{args.warmup} warm-up), interleaved")
        hits = measure_hits(
            spawner, [bare, *adfs2_tools], idp, rounds=args.rounds, warmup=args.warmup, progress=log
        )
        log(f"parallel cold start: {args.parallel} processes per tool")
        parallel = {t.name: measure_parallel(spawner, t, idp, args.parallel) for t in adfs2_tools}
        parallel[OURS_ENTRA_PUSH] = measure_parallel(spawner, entra_push, entra.push, args.parallel)
        log("HTTP requests of one cold login per provider")
        trips = [
            Trip("AD FS 2.0", _log_of(idp), tool_args(idp.entry_url), tools),
            Trip("AD FS 2016+", _log_of(modern), tool_args(modern.entry_url), tools),
            Trip("Okta", _log_of(okta), tool_args(okta.app_url, "okta"), tools),
            # 0.0.2 knows no Entra ID: ours alone.
            Trip("Entra ID managed", _log_of(entra.plain), entra_args(entra.plain), tools[:1]),
            Trip("Entra ID managed + push", _log_of(entra.push), entra_args(entra.push), tools[:1]),
            Trip(
                "Entra ID federated (AD FS)",
                entra.journal.seen,
                entra_args(entra.federated, user=FEDERATED_USER),
                tools[:1],
            ),
        ]
        round_trips = measure_round_trips(spawner, trips)
        return {
            "rss_floor_mb": rss_floor(spawner, tools[0].env),
            "cache_hit": {name: summary(runs) for name, runs in hits.items()},
            "cache_hit_paired": paired_ratios(hits),
            "cold_login": {name: summary(runs) for name, runs in cold.items()},
            "refresh": refresh_summary(cold, refresh_requests[OURS_REFRESH]),
            "parallel": parallel,
            "round_trips": round_trips,
        }


def floor_refresh(python: str, refresh: Command, idp: AdfsEmulator, sts: MotoSts) -> Command:
    """``floor_refresh.py`` refreshing on the AD FS session ``refresh`` keeps, in its HOME."""
    home = Path(refresh.env["HOME"])
    store = SessionStore(sessions_directory(home))
    kept = store.path("adfs", urlsplit(idp.url).hostname or "", USER)
    argv = (
        python,
        str(Path(__file__).with_name("floor_refresh.py")),
        idp.entry_url,
        sts.url,
        str(kept),
        ROLE_ARN,
        str(home / "floor-credentials.json"),
    )
    return Command(FLOOR, argv, refresh.env)


def rss_floor(spawner: Spawner, env: dict[str, str]) -> float | None:
    """The peak RSS the method reports for ``true``: nothing measured can be below it."""
    true = shutil.which("true")
    if true is None:
        return None
    return mb(max(spawner.one(Command("true", (true,), env)).maxrss_kib for _ in range(3)))


def probe_login(spawner: Spawner, tool: Command) -> str | None:
    """None when ``tool`` logs in against the emulators, else why it does not."""
    clear_cache(tool)
    run = spawner.one(tool)
    try:
        check_credentials(run, "a first login against the emulated AD FS 2.0 page")
    except BenchError as exc:
        return str(exc)
    return None


def measure_hits(
    spawner: Spawner,
    commands: Sequence[Command],
    idp: AdfsEmulator,
    *,
    rounds: int,
    warmup: int,
    progress: Callable[[str], None],
) -> dict[str, list[Run]]:
    """Interleaved cache hits: each round runs every command once, in a rotated order."""
    results: dict[str, list[Run]] = {command.name: [] for command in commands}
    logins = idp.logins
    for round_ in range(warmup + rounds):
        for command in rotated(commands, round_):
            run = spawner.one(command)
            if command.name == PYTHON:
                if run.exit != 0:
                    raise BenchError(f"python -c pass: {run.failure()}")
            else:
                check_credentials(run, f"cache hit of {LABELS[command.name]}")
            if round_ >= warmup:
                results[command.name].append(run)
        if (round_ + 1) % 10 == 0:
            progress(f"  cache hits: {round_ + 1}/{warmup + rounds} rounds")
    if idp.logins != logins:
        raise BenchError(f"{idp.logins - logins} logins during the cache-hit runs: not hits")
    return results


def measure_parallel(
    spawner: Spawner, tool: Command, idp: EmulatorServer, processes: int
) -> dict[str, Any]:
    """Start ``processes`` copies at once with an empty cache; count the IdP logins."""
    clear_cache(tool)
    logins, calls = idp.logins, sts_calls()
    runs = spawner.run([tool] * processes, timeout=PARALLEL_TIMEOUT)
    failures = [run.failure() for run in runs if run.exit != 0]
    return {
        "processes": processes,
        "idp_logins": idp.logins - logins,
        "sts_calls": delta(sts_calls(), calls),
        "succeeded": processes - len(failures),
        "failures": failures[:3],
        "slowest_s": max(run.wall for run in runs),
    }


def measure_round_trips(spawner: Spawner, trips: Sequence[Trip]) -> dict[str, dict[str, Any]]:
    """One uncached login per (trip, tool): the IdP requests and the STS calls."""
    found: dict[str, dict[str, Any]] = {}
    for trip in trips:
        found[trip.label] = {}
        for tool in trip.tools:
            seen, calls = len(trip.seen()), sts_calls()
            run = spawner.one(with_args(tool, [*trip.args, "--no-cache"]))
            requests = [f"{method} {path}" for method, path in trip.seen()[seen:]]
            found[trip.label][tool.name] = {
                "ok": run.exit == 0,
                "error": None if run.exit == 0 else run.failure(),
                "idp_requests": requests,
                "sts_calls": delta(sts_calls(), calls),
            }
    return found


def _log_of(emulator: EmulatorServer) -> Callable[[], list[tuple[str, str]]]:
    return lambda: emulator.requests_seen


class Adfs2Emulator(AdfsEmulator):
    """The AD FS 2.0 sign-in page with a root-relative form action.

    The emulator renders the action as AD FS does, relative to the page it served
    (``?SAMLRequest=...``, served after a redirect to ``/adfs/ls/``). awsprocesscreds
    0.0.2 resolves the action against the entry URL instead and posts to the wrong
    page (HTTP 404). ``/adfs/ls/?SAMLRequest=...`` names the same URL for both tools, so
    both log in against the same page.
    """

    def _login_page(self, action: str, error: str | None = None, username: str = "") -> str:
        if action.startswith("?"):
            action = LOGIN_PATH + action
        return super()._login_page(action, error, username)
