"""`make bench`: the cache-hit hot path against a bare interpreter and awsprocesscreds 0.0.2.

Sets up, in a throw-away directory, a virtualenv with the PyPI release
``awsprocesscreds==0.0.2`` (the baseline), starts the AD FS and Okta emulators (HTTPS on
127.0.0.1 with a throw-away CA) and moto as STS (HTTP on 127.0.0.1), and measures:

- cold logins (cache emptied before each run) of ours and of the baseline against the
  same emulated AD FS 2.0 sign-in page, the only kind the baseline understands;
- cache hits of ours, of the baseline and of a bare ``python -c pass`` on the very
  interpreter our installed command runs on, interleaved round by round;
- the peak RSS of each of those processes;
- how many IdP logins 16 processes started at once with an empty cache cause;
- the HTTP requests of one cold login per provider (from the emulators' request logs)
  and the STS calls (from moto's state).

It prints a table and checks the targets: a cache hit's median at most 1.5x that of
``python -c pass``, at least 8x faster than 0.0.2's, and under 20 MB peak RSS. A missed
target is reported, not an error: the exit status is 1 only when the benchmark itself
could not run. See docs/performance.md for the method and the numbers.

Every child runs with a fresh HOME under the throw-away directory, no controlling
terminal, a minimal environment and a hard time limit; nothing leaves 127.0.0.1 except
the one ``pip install`` of the baseline.
"""

from __future__ import annotations

import argparse
import json
import marshal
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.emulators

from tests.emulators import AdfsEmulator, MotoSts, OktaEmulator, make_tls
from tests.emulators.adfs import LOGIN_PATH

HERE = Path(__file__).resolve().parent
SPAWNER = HERE / "spawner.py"

USER = "alice@example.com"
PASSWORD = "correct horse"
ROLE_ARN = "arn:aws:iam::123456789012:role/Dev"
BASELINE_REQUIREMENT = "awsprocesscreds==0.0.2"

OURS, BASELINE, PYTHON = "ours", "0.0.2", "python -c pass"
LABELS = {
    OURS: "awsprocesscreds (ours)",
    BASELINE: "awsprocesscreds 0.0.2",
    PYTHON: "python -c pass",
}

#: Targets of the issue: our median cache hit / python -c pass, 0.0.2 / ours, peak RSS.
MAX_RATIO_TO_PYTHON = 1.5
MIN_SPEEDUP_OVER_BASELINE = 8.0
MAX_PEAK_RSS_MB = 20.0

#: Hard limits (seconds) on each child process and on the baseline's pip install.
RUN_TIMEOUT = 60
PARALLEL_TIMEOUT = 180
PIP_TIMEOUT = 300
#: Variables passed on to the children; everything else (AWS_*, proxies, PYTHON*) is not.
PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")
DEAD_PROXY = "http://127.0.0.1:9"


class BenchError(Exception):
    """The benchmark itself could not run (not a missed target)."""


# --- running commands -------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """One way to start a process: argv (absolute argv[0]), environment, stdin file."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str]
    stdin: str = ""


@dataclass(frozen=True)
class Run:
    """What one process did: exit code (minus the signal number if killed), wall time
    in seconds, peak RSS in KiB, and its output."""

    exit: int
    wall: float
    maxrss_kib: int
    stdout: str
    stderr: str

    def failure(self) -> str:
        last = (self.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        how = f"killed by signal {-self.exit}" if self.exit < 0 else f"exit {self.exit}"
        return f"{how}: {last[:300]}"


class Spawner:
    """The tiny fork-and-exec helper of ``spawner.py`` (see there for why it exists)."""

    def __init__(self, python: str, scratch: Path) -> None:
        self._scratch = scratch
        self._serial = 0
        self._process = subprocess.Popen(
            [python, "-S", "-I", str(SPAWNER)],
            cwd=scratch,  # the children's working directory: not the source tree
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def run(self, commands: Sequence[Command], timeout: int = RUN_TIMEOUT) -> list[Run]:
        """Start all ``commands`` at once and wait for all of them."""
        jobs: list[dict[str, Any]] = []
        files: list[tuple[Path, Path]] = []
        for command in commands:
            self._serial += 1
            out = self._scratch / f"{self._serial}.out"
            err = self._scratch / f"{self._serial}.err"
            files.append((out, err))
            jobs.append(
                {
                    "argv": list(command.argv),
                    "env": command.env,
                    "stdin": command.stdin,
                    "stdout": str(out),
                    "stderr": str(err),
                    "timeout": timeout,
                }
            )
        replies = self._exchange(jobs)
        runs = []
        for reply, (out, err) in zip(replies, files, strict=True):
            runs.append(
                Run(
                    exit=int(reply["exit"]),
                    wall=float(reply["wall"]),
                    maxrss_kib=_kib(int(reply["maxrss"])),
                    stdout=out.read_text(errors="replace"),
                    stderr=err.read_text(errors="replace"),
                )
            )
            out.unlink()
            err.unlink()
        return runs

    def one(self, command: Command, timeout: int = RUN_TIMEOUT) -> Run:
        return self.run([command], timeout)[0]

    def _exchange(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:
            raise BenchError("the spawner has no pipes")
        data = marshal.dumps(jobs)
        try:
            stdin.write(len(data).to_bytes(8, "big") + data)
            stdin.flush()
            size = int.from_bytes(_read(stdout, 8), "big")
            reply = marshal.loads(_read(stdout, size))  # noqa: S302 - from our own helper
        except (OSError, EOFError) as exc:
            raise BenchError(f"the spawner failed: {exc}") from exc
        if not isinstance(reply, list):
            raise BenchError("the spawner answered nonsense")
        return reply

    def close(self) -> None:
        if self._process.stdin is not None and self._process.poll() is None:
            try:
                empty = marshal.dumps([])
                self._process.stdin.write(len(empty).to_bytes(8, "big") + empty)
                self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _read(stream: IO[bytes], count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            raise EOFError("the spawner exited")
        data += chunk
    return data


def _kib(maxrss: int) -> int:
    """ru_maxrss is in KiB on Linux and in bytes on macOS."""
    return maxrss // 1024 if sys.platform == "darwin" else maxrss


def _mb(kib: float) -> float:
    return kib * 1024 / 1e6


# --- the tools --------------------------------------------------------------------------


@dataclass
class Baseline:
    """The throw-away virtualenv holding awsprocesscreds 0.0.2, or why there is none."""

    script: Path | None
    versions: dict[str, str]
    problem: str | None = None


VERSIONS_SNIPPET = """
import importlib.metadata as m, json
names = ("awsprocesscreds", "botocore", "requests", "urllib3", "six")
found = {}
for name in names:
    try:
        found[name] = m.version(name)
    except m.PackageNotFoundError:
        pass
print(json.dumps(found))
"""

OURS_SNIPPET = """
import importlib.metadata as m, json
dist = m.distribution("awsprocesscreds")
url = json.loads(dist.read_text("direct_url.json") or "{}")
print(json.dumps({"version": dist.version,
                  "editable": bool(url.get("dir_info", {}).get("editable"))}))
"""


def prepare_baseline(python: str, directory: Path, log: Callable[[str], None]) -> Baseline:
    """Create (or reuse) a virtualenv in ``directory`` with awsprocesscreds 0.0.2."""
    bin_dir = directory / "bin"
    script = bin_dir / "awsprocesscreds-saml"
    venv_python = bin_dir / "python"
    if not script.exists():
        log(f"installing the baseline, {BASELINE_REQUIREMENT}, into {directory}")
        steps = [
            [python, "-m", "venv", str(directory)],
            [
                str(venv_python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                BASELINE_REQUIREMENT,
            ],
        ]
        for step in steps:
            try:
                done = subprocess.run(
                    step, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return Baseline(None, {}, f"{' '.join(step[1:4])} failed: {exc}")
            if done.returncode != 0:
                detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
                return Baseline(None, {}, f"{' '.join(step[1:4])} failed: {detail}")
    try:
        probe = subprocess.run(
            [str(venv_python), "-I", "-c", VERSIONS_SNIPPET + "import awsprocesscreds.cli\n"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Baseline(None, {}, f"the baseline's interpreter does not start: {exc}")
    if probe.returncode != 0:
        detail = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return Baseline(None, {}, f"awsprocesscreds 0.0.2 does not import here: {detail}")
    versions: dict[str, str] = json.loads(probe.stdout)
    if versions.get("awsprocesscreds") != "0.0.2" or not script.exists():
        return Baseline(None, versions, f"{directory} does not hold {BASELINE_REQUIREMENT}")
    return Baseline(script, versions)


def interpreter_of(script: Path) -> str:
    """The interpreter named on the script's ``#!`` line (the one it really runs on)."""
    with script.open("rb") as handle:
        first = handle.readline(4096)
    if first.startswith(b"#!"):
        words = first[2:].decode(errors="replace").split()
        if words and Path(words[0]).is_absolute() and Path(words[0]).exists():
            return words[0]
    return sys.executable


def child_env(home: Path, ca_file: Path, sts_url: str) -> dict[str, str]:
    """A minimal environment: a throw-away HOME and AWS config, loopback services only."""
    env = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    aws = home / ".aws-config"
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(aws / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(aws / "credentials"),
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL_STS=sts_url,
        AWS_EC2_METADATA_DISABLED="true",
        REQUESTS_CA_BUNDLE=str(ca_file),
        # Loopback goes direct; anything else would go to a proxy that is not there
        # (port 9, discard), so no request can leave the machine by mistake.
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        HTTPS_PROXY=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        HTTP_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
    )
    return env


def clear_cache(command: Command) -> None:
    """Empty a tool's credential cache: both tools keep theirs under $HOME/.aws."""
    shutil.rmtree(Path(command.env["HOME"]) / ".aws", ignore_errors=True)


def with_args(command: Command, args: Sequence[str]) -> Command:
    return Command(command.name, (*command.argv, *args), command.env, command.stdin)


def tool_args(endpoint: str, provider: str = "adfs", *extra: str) -> list[str]:
    return ["-e", endpoint, "-u", USER, "-p", provider, "-a", ROLE_ARN, *extra]


def check_credentials(run: Run, what: str) -> None:
    """Raise BenchError unless ``run`` printed a credential_process document."""
    if run.exit != 0:
        raise BenchError(f"{what}: {run.failure()}")
    try:
        document = json.loads(run.stdout)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not document.get("AccessKeyId"):
        raise BenchError(f"{what}: printed no credentials: {run.stdout[:200]!r}")


# --- the emulators ----------------------------------------------------------------------


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


def sts_calls() -> int | None:
    """AssumeRoleWithSAML calls moto has served so far (its state is process-wide), or
    None if this moto keeps them elsewhere."""
    try:
        from moto.sts.models import sts_backends

        return sum(
            len(backend.assumed_roles)
            for per_account in sts_backends.values()
            for backend in per_account.values()
        )
    except Exception:
        return None


def _delta(after: int | None, before: int | None) -> int | None:
    return None if after is None or before is None else after - before


# --- the measurements -------------------------------------------------------------------


def probe_login(spawner: Spawner, tool: Command) -> str | None:
    """None when ``tool`` logs in against the emulators, else why it does not."""
    clear_cache(tool)
    run = spawner.one(tool)
    try:
        check_credentials(run, "a first login against the emulated AD FS 2.0 page")
    except BenchError as exc:
        return str(exc)
    return None


def measure_cold(
    spawner: Spawner, tools: Sequence[Command], idp: AdfsEmulator, runs: int
) -> dict[str, list[Run]]:
    """``runs`` cold logins per tool (one more as warm-up), interleaved, cache emptied
    before each; each must log in exactly once at the IdP and call moto's STS once."""
    results: dict[str, list[Run]] = {tool.name: [] for tool in tools}
    for round_ in range(runs + 1):
        for tool in _rotated(tools, round_):
            clear_cache(tool)
            before, calls = idp.logins, sts_calls()
            run = spawner.one(tool)
            check_credentials(run, f"cold login of {LABELS[tool.name]}")
            if idp.logins != before + 1:
                raise BenchError(f"{LABELS[tool.name]}: {idp.logins - before} IdP logins, not 1")
            if _delta(sts_calls(), calls) not in (1, None):
                raise BenchError(f"{LABELS[tool.name]} did not call the local STS once")
            if round_ > 0:
                results[tool.name].append(run)
    return results


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
        for command in _rotated(commands, round_):
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
    spawner: Spawner, tool: Command, idp: AdfsEmulator, processes: int
) -> dict[str, Any]:
    """Start ``processes`` copies at once with an empty cache; count the IdP logins."""
    clear_cache(tool)
    logins, calls = idp.logins, sts_calls()
    runs = spawner.run([tool] * processes, timeout=PARALLEL_TIMEOUT)
    failures = [run.failure() for run in runs if run.exit != 0]
    return {
        "processes": processes,
        "idp_logins": idp.logins - logins,
        "sts_calls": _delta(sts_calls(), calls),
        "succeeded": processes - len(failures),
        "failures": failures[:3],
        "slowest_s": max(run.wall for run in runs),
    }


def measure_round_trips(
    spawner: Spawner, flows: Sequence[tuple[str, Any, str, str, Sequence[Command]]]
) -> dict[str, dict[str, Any]]:
    """One uncached login per (provider, tool): the IdP requests and the STS calls."""
    found: dict[str, dict[str, Any]] = {}
    for label, emulator, provider, endpoint, tools in flows:
        found[label] = {}
        for tool in tools:
            seen, calls = len(emulator.requests_seen), sts_calls()
            run = spawner.one(with_args(tool, tool_args(endpoint, provider, "--no-cache")))
            requests = [f"{method} {path}" for method, path in emulator.requests_seen[seen:]]
            found[label][tool.name] = {
                "ok": run.exit == 0,
                "error": None if run.exit == 0 else run.failure(),
                "idp_requests": requests,
                "sts_calls": _delta(sts_calls(), calls),
            }
    return found


def _rotated(items: Sequence[Command], round_: int) -> list[Command]:
    shift = round_ % len(items)
    return [*items[shift:], *items[:shift]]


# --- statistics and report --------------------------------------------------------------


def summary(runs: Sequence[Run]) -> dict[str, Any]:
    walls = [run.wall * 1000 for run in runs]
    rss = [run.maxrss_kib for run in runs]
    return {
        "n": len(runs),
        "median_ms": statistics.median(walls),
        "min_ms": min(walls),
        "max_ms": max(walls),
        "wall_ms": walls,
        "peak_rss_mb_median": _mb(statistics.median(rss)),
        "peak_rss_mb_max": _mb(max(rss)),
        "maxrss_kib": rss,
    }


def paired_ratios(hits: dict[str, list[Run]]) -> dict[str, float]:
    """Medians of the ratios within each round (the commands of a round run within a
    second), less sensitive than the ratio of medians to load that comes and goes."""
    pairs = {"ours / python -c pass": (OURS, PYTHON), "0.0.2 / ours": (BASELINE, OURS)}
    return {
        label: statistics.median(
            a.wall / b.wall for a, b in zip(hits[top], hits[bottom], strict=True)
        )
        for label, (top, bottom) in pairs.items()
        if top in hits and bottom in hits
    }


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The three targets: value, limit, and whether it was met (None: not measured)."""
    hits = results["cache_hit"]
    ours = hits[OURS]["median_ms"]
    ratio = ours / hits[PYTHON]["median_ms"]
    speedup = hits[BASELINE]["median_ms"] / ours if BASELINE in hits else None
    peak = hits[OURS]["peak_rss_mb_max"]
    return [
        {
            "target": "cache hit median / python -c pass median",
            "value": ratio,
            "limit": f"<= {MAX_RATIO_TO_PYTHON}x",
            "met": ratio <= MAX_RATIO_TO_PYTHON,
        },
        {
            "target": "0.0.2 cache hit median / ours",
            "value": speedup,
            "limit": f">= {MIN_SPEEDUP_OVER_BASELINE:g}x",
            "met": None if speedup is None else speedup >= MIN_SPEEDUP_OVER_BASELINE,
        },
        {
            "target": "peak RSS of a cache hit (largest of all runs)",
            "value": peak,
            "limit": f"< {MAX_PEAK_RSS_MB:g} MB",
            "met": peak < MAX_PEAK_RSS_MB,
        },
    ]


def render(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        "",
        f"awsprocesscreds {meta['ours_version']} benchmark: Python {meta['python']} on "
        f"{meta['platform']}, {meta['cpus']} CPUs",
        f"ours:     {meta['ours_install']} install, run as {meta['ours_script']}",
        f"baseline: {_baseline_line(meta)}",
        "peak RSS floor of the method (`true` started the same way): "
        + ("n/a" if meta["rss_floor_mb"] is None else f"{meta['rss_floor_mb']:.1f} MB"),
        "",
        f"Cache hit: {meta['rounds']} interleaved rounds after {meta['warmup']} warm-up rounds"
        " (wall time of fork+exec+exit)",
        f"  {'command':<26}{'median ms':>10}{'min ms':>9}{'max ms':>9}"
        f"{'x python':>10}{'peak RSS MB':>13}",
    ]
    hits = results["cache_hit"]
    python_median = hits[PYTHON]["median_ms"]
    for name in (PYTHON, OURS, BASELINE):
        if name not in hits:
            lines.append(f"  {LABELS[name]:<26}{'not measured (see baseline above)':>40}")
            continue
        row = hits[name]
        lines.append(
            f"  {LABELS[name]:<26}{row['median_ms']:>10.1f}{row['min_ms']:>9.1f}"
            f"{row['max_ms']:>9.1f}{row['median_ms'] / python_median:>9.2f}x"
            f"{row['peak_rss_mb_max']:>13.1f}"
        )
    if BASELINE in hits:
        speedup = hits[BASELINE]["median_ms"] / hits[OURS]["median_ms"]
        lines.append(f"  0.0.2 / ours (medians): {speedup:.1f}x")
    paired = ", ".join(f"{k} {v:.2f}x" for k, v in results["cache_hit_paired"].items())
    lines.append(f"  median of the ratios within each round: {paired}")
    lines += ["", _cold_section(results), "", _parallel_section(results), ""]
    lines += _round_trip_section(results)
    lines += ["", "Targets:"]
    for target in results["targets"]:
        value = "n/a" if target["value"] is None else f"{target['value']:.2f}"
        verdict = {True: "PASS", False: "MISSED", None: "NOT MEASURED"}[target["met"]]
        lines.append(f"  {verdict:<13}{target['target']}: {value} (target {target['limit']})")
    return "\n".join(lines)


def _baseline_line(meta: dict[str, Any]) -> str:
    versions = meta["baseline_versions"]
    installed = ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))
    if meta["baseline_problem"]:
        return f"NOT MEASURED: {meta['baseline_problem']}"
    return f"{BASELINE_REQUIREMENT} from PyPI, in a virtualenv of its own ({installed})"


def _cold_section(results: dict[str, Any]) -> str:
    cold = results["cold_login"]
    if not cold:
        return "Cold login: not measured"
    some = next(iter(cold.values()))
    parts = [f"Cold login (emptied cache; AD FS 2.0 emulator + moto STS; median of {some['n']}):"]
    for name in (OURS, BASELINE):
        if name in cold:
            row = cold[name]
            parts.append(
                f"  {LABELS[name]:<26}{row['median_ms']:>8.0f} ms "
                f"(min {row['min_ms']:.0f}, max {row['max_ms']:.0f}), "
                f"peak RSS {row['peak_rss_mb_max']:.1f} MB"
            )
        else:
            parts.append(f"  {LABELS[name]:<26}not measured")
    return "\n".join(parts)


def _parallel_section(results: dict[str, Any]) -> str:
    parallel = results["parallel"]
    parts = ["Parallel cold start (same profile, empty cache, all started at once):"]
    for name in (OURS, BASELINE):
        row = parallel.get(name)
        if row is None:
            parts.append(f"  {LABELS[name]:<26}not measured")
            continue
        sts = "?" if row["sts_calls"] is None else row["sts_calls"]
        parts.append(
            f"  {LABELS[name]:<26}{row['processes']} processes -> {row['idp_logins']} IdP "
            f"logins, {sts} STS calls, {row['succeeded']} succeeded, "
            f"slowest {row['slowest_s']:.1f} s"
        )
        parts += [f"    failure: {failure}" for failure in row["failures"]]
    return "\n".join(parts)


def _round_trip_section(results: dict[str, Any]) -> list[str]:
    parts = ["HTTP requests of one cold login (IdP requests as seen by the emulator; STS):"]
    for label, tools in results["round_trips"].items():
        for name, row in tools.items():
            head = f"  {label:<14}{LABELS[name]:<26}"
            if not row["ok"]:
                parts.append(f"{head}fails: {row['error']}")
                continue
            sts = "?" if row["sts_calls"] is None else row["sts_calls"]
            parts.append(
                f"{head}{len(row['idp_requests'])} IdP + {sts} STS: "
                + ", ".join(row["idp_requests"])
            )
    return parts


# --- main -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=40, help="cache-hit rounds (default 40)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up rounds (default 5)")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold logins per tool")
    parser.add_argument("--parallel", type=int, default=16, help="processes started at once")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the raw results")
    parser.add_argument(
        "--ours",
        type=Path,
        default=Path(sys.executable).with_name("awsprocesscreds-saml"),
        help="our installed command (default: next to this interpreter)",
    )
    parser.add_argument(
        "--baseline-venv",
        type=Path,
        metavar="DIR",
        help="keep the baseline's virtualenv in DIR and reuse it (default: throw-away)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip awsprocesscreds 0.0.2")
    args = parser.parse_args(argv)
    for name, low in (("rounds", 1), ("warmup", 0), ("cold_runs", 1), ("parallel", 1)):
        if not low <= getattr(args, name) <= 1000:
            parser.error(f"--{name.replace('_', '-')} must be between {low} and 1000")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:5.1f} s] {message}", file=sys.stderr, flush=True)

    try:
        results = run_benchmark(args, log)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nraw results: {args.json}")
    log("done")
    return 0


def run_benchmark(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    started = time.monotonic()
    ours_script = args.ours.absolute()
    if not ours_script.exists():
        raise BenchError(f"{ours_script} not found: install the project first (make bench)")
    python = interpreter_of(ours_script)
    ours_info = installed_ours(python)
    if ours_info["editable"]:
        log("warning: awsprocesscreds is an editable install: its start-up is slower than users'")
    with tempfile.TemporaryDirectory(prefix="awsprocesscreds-bench-") as name:
        scratch = Path(name)
        if args.no_baseline:
            baseline = Baseline(None, {}, "skipped (--no-baseline)")
        else:
            venv_dir = args.baseline_venv or scratch / "baseline-venv"
            baseline = prepare_baseline(python, venv_dir.absolute(), log)
        if baseline.problem:
            log(f"baseline not measured: {baseline.problem}")
        results = measure_all(
            args, scratch, python=python, ours_script=ours_script, baseline=baseline, log=log
        )
    results["meta"] = {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "rounds": args.rounds,
        "warmup": args.warmup,
        "ours_version": ours_info["version"],
        "ours_install": "editable" if ours_info["editable"] else "regular (non-editable)",
        "ours_script": str(ours_script),
        "interpreter": python,
        "baseline_versions": baseline.versions,
        "baseline_problem": baseline.problem,
        "rss_floor_mb": results.pop("rss_floor_mb"),
        "seconds": round(time.monotonic() - started, 1),
    }
    results["targets"] = evaluate(results)
    return results


def installed_ours(python: str) -> dict[str, Any]:
    """Version of our installed distribution, and whether it is an editable install."""
    try:
        probe = subprocess.run(
            [python, "-I", "-c", OURS_SNIPPET],
            capture_output=True,
            text=True,
            check=True,
            timeout=RUN_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchError(f"awsprocesscreds is not installed for {python}: {exc}") from exc
    info: dict[str, Any] = json.loads(probe.stdout)
    return info


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
        log("starting the AD FS 2.0, AD FS and Okta emulators and moto (STS)")
        sts = stack.enter_context(MotoSts())
        idp = stack.enter_context(Adfs2Emulator(tls, variant="adfs2"))
        modern = stack.enter_context(AdfsEmulator(tls))
        okta = stack.enter_context(OktaEmulator(tls))

        def tool(name: str, script: Path, stdin: str = "") -> Command:
            home = scratch / f"home-{name}"
            home.mkdir(exist_ok=True)
            env = child_env(home, tls.ca_file, sts.url)
            if name == OURS:
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

        log(f"cold logins: {args.cold_runs} per tool (+1 warm-up), interleaved")
        cold = measure_cold(spawner, adfs2_tools, idp, args.cold_runs)
        log(f"cache hits: {args.rounds} rounds (+{args.warmup} warm-up), interleaved")
        hits = measure_hits(
            spawner, [bare, *adfs2_tools], idp, rounds=args.rounds, warmup=args.warmup, progress=log
        )
        log(f"parallel cold start: {args.parallel} processes per tool")
        parallel = {t.name: measure_parallel(spawner, t, idp, args.parallel) for t in adfs2_tools}
        log("HTTP requests of one cold login per provider")
        flows = [
            ("AD FS 2.0", idp, "adfs", idp.entry_url, tools),
            ("AD FS 2016+", modern, "adfs", modern.entry_url, tools),
            ("Okta", okta, "okta", okta.app_url, tools),
        ]
        round_trips = measure_round_trips(spawner, flows)
        return {
            "rss_floor_mb": rss_floor(spawner, tools[0].env),
            "cache_hit": {name: summary(runs) for name, runs in hits.items()},
            "cache_hit_paired": paired_ratios(hits),
            "cold_login": {name: summary(runs) for name, runs in cold.items()},
            "parallel": parallel,
            "round_trips": round_trips,
        }


def rss_floor(spawner: Spawner, env: dict[str, str]) -> float | None:
    """The peak RSS the method reports for ``true``: nothing measured can be below it."""
    true = shutil.which("true")
    if true is None:
        return None
    return _mb(max(spawner.one(Command("true", (true,), env)).maxrss_kib for _ in range(3)))


if __name__ == "__main__":
    sys.exit(main())
