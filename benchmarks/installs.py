"""The two installations compared: ours, and awsprocesscreds 0.0.2 in a virtualenv.

Contract: :func:`interpreter_of` and :func:`installed_ours` say which interpreter our
installed command runs on, its version and whether it is an editable install;
``installed_ours`` raises :class:`BenchError` when it is not installed.
:func:`prepare_baseline` creates (or reuses) a virtualenv holding
``awsprocesscreds==0.0.2`` from PyPI and raises nothing: a baseline that cannot be
installed or imported comes back as a :class:`Baseline` with no script and the reason
in ``problem``, which the report prints as "not measured". That ``pip install`` is the
only step of the benchmark that leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.processes import RUN_TIMEOUT, BenchError

BASELINE_REQUIREMENT = "awsprocesscreds==0.0.2"
#: Hard limit (seconds) on each step of the baseline's install.
PIP_TIMEOUT = 300


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
dist = m.distribution("awsprocesscreds-saml")
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
        raise BenchError(f"awsprocesscreds-saml is not installed for {python}: {exc}") from exc
    info: dict[str, Any] = json.loads(probe.stdout)
    return info
