"""`make bench`: the cache-hit hot path against a bare interpreter and awsprocesscreds 0.0.2.

Sets up, in a throw-away directory, a virtualenv with the PyPI release
``awsprocesscreds==0.0.2`` (the baseline), starts the AD FS, Okta and Entra ID emulators
(HTTPS on 127.0.0.1 with a throw-away CA) and moto as STS (HTTP on 127.0.0.1), and
measures:

- cold logins (cache emptied before each run) of ours and of the baseline against the
  same emulated AD FS 2.0 sign-in page, the only kind the baseline understands, and of
  ours against Entra ID (a managed user, without and with a Microsoft Authenticator
  push), and ours refreshing an hour later on the AD FS 2.0 session its first sign-in
  kept (credentials expired, one GET of the entry URL, no password), and that refresh
  done with the standard library alone (``floor_refresh.py``), all interleaved;
- cache hits of ours, of the baseline and of a bare ``python -c pass`` on the very
  interpreter our installed command runs on, interleaved round by round;
- the peak RSS of each of those processes;
- how many IdP logins 16 processes started at once with an empty cache cause (on AD FS
  2.0, and for ours on Entra ID with a push);
- the HTTP requests of one cold login per provider (from the emulators' request logs:
  AD FS, Okta, Entra ID managed with a push, Entra ID federated through AD FS) and the
  STS calls (from moto's state);
- how long reading each hostile 5 MiB page of ``tests/emulators/hostile.py`` takes,
  each in a child with a hard time limit (``parsing.py``).

It prints a table and checks the targets: a cache hit's median at most 1.5x that of
``python -c pass``, at least 8x faster than 0.0.2's, and under 20 MB peak RSS; the
refresh on a kept IdP session at most 0.6x our full sign-in and no slower than 0.0.2's
cold login. A missed target is reported, not an error: the exit status is 1 only when
the benchmark itself could not run. With ``--document PATH`` it also writes
docs/performance.md (the method and the numbers of this run, naming the commit
measured); ``make bench`` does that.

Every child runs with a fresh HOME under the throw-away directory, no controlling
terminal, a minimal environment and a hard time limit; nothing leaves 127.0.0.1 except
the one ``pip install`` of the baseline.

Each job has a module of its own: ``processes.py`` starts and times the children
(through ``spawner.py``), ``installs.py`` finds our install and sets up the baseline's
virtualenv, ``tools.py`` builds the commands and their sandbox, ``scenarios.py`` takes
the measurements (``logins.py`` the cold logins and refreshes) and ``report.py``
computes the numbers, checks the targets and prints the table, ``document.py`` writes
docs/performance.md. This module reads the options and runs those steps in order.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script, only this directory is on sys.path: add the repository root, for the
# benchmarks package and tests.emulators.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.document import TEMPLATE, render_document, source_revision
from benchmarks.installs import Baseline, installed_ours, interpreter_of, prepare_baseline
from benchmarks.parsing import measure_parsing
from benchmarks.processes import BenchError
from benchmarks.report import evaluate, render
from benchmarks.scenarios import measure_all

ROOT = Path(__file__).resolve().parents[1]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=40, help="cache-hit rounds (default 40)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up rounds (default 5)")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold logins per tool")
    parser.add_argument("--parallel", type=int, default=16, help="processes started at once")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the raw results")
    parser.add_argument(
        "--document",
        type=Path,
        metavar="PATH",
        help="also write docs/performance.md, from this run, to PATH",
    )
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
    if args.document:
        hide = {str(ROOT): "<checkout>", tempfile.gettempdir(): "<tmp>"}
        text = render_document(results, TEMPLATE.read_text(encoding="utf-8"), hide)
        args.document.write_text(text, encoding="utf-8")
        print(f"\ndocument: {args.document}")
    log("done")
    return 0


def run_benchmark(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    started = time.monotonic()
    # Before measuring: what is measured is the tree as it is now.
    commit, dirty = source_revision(ROOT)
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
    results["parsing"] = measure_parsing(python, log)
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
        "commit": commit,
        "dirty": dirty,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
    }
    results["targets"] = evaluate(results)
    return results


if __name__ == "__main__":
    sys.exit(main())
