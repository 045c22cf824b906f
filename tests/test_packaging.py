"""What people install: the distribution's name, and the install and credential_process
lines the README and docs/ show them.

The name "awsprocesscreds" on the package index is the abandoned awslabs 0.0.2: a user
typing it gets the old tool. Ours is "awsprocesscreds-saml" (the import package stays
``awsprocesscreds``, the command ``awsprocesscreds-saml``).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DISTRIBUTION = "awsprocesscreds-saml"
OLD_NAME = "awsprocesscreds"
#: The one deliberate mention of the old release: the benchmark's baseline.
BASELINE_PIN = "awsprocesscreds==0.0.2"

_INSTALL = re.compile(
    r"\b(?:pipx|pip3?|uv\s+tool|uv\s+pip|python3?\s+-m\s+pip)\s+install\b([^`\n#]*)"
)
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CREDENTIAL_PROCESS = re.compile(r"credential_process\s*=\s*([^`\n]+)")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")

#: Read in a clean interpreter (-I, another directory) so that build leftovers in the
#: checkout (an *.egg-info) cannot stand in for the installed distribution.
_PROBE = """
import importlib.metadata as m, json
import awsprocesscreds
dist = m.distribution("awsprocesscreds-saml")
print(json.dumps({
    "name": dist.metadata["Name"],
    "version": dist.version,
    "package_version": awsprocesscreds.__version__,
    "owners": m.packages_distributions().get("awsprocesscreds", []),
    "entry_points": sorted(
        (ep.name, ep.dist.metadata["Name"] if ep.dist else None)
        for ep in m.entry_points(group="awsprocesscreds.authenticators")
    ),
    "files": sorted(str(f) for f in dist.files or [] if f.name == "awsprocesscreds-saml"),
}))
"""


def old_name_installs(text: str) -> list[str]:
    """Install commands in ``text`` that name the bare old distribution."""
    found = []
    for match in _INSTALL.finditer(text):
        try:
            words = shlex.split(match.group(1))
        except ValueError:
            words = match.group(1).split()
        for word in words:
            if word.startswith("-") or word == BASELINE_PIN:
                continue
            name = _REQUIREMENT_NAME.match(word)
            if name and name.group().lower().replace("_", "-") == OLD_NAME:
                found.append(match.group(0).strip())
    return found


def relative_credential_processes(text: str) -> list[str]:
    """``credential_process = ...`` lines whose command is not an absolute path (a
    leading ``/usr/bin/env VAR=value`` is looked through)."""
    found = []
    for match in _CREDENTIAL_PROCESS.finditer(text):
        words = match.group(1).split()
        if words and words[0].startswith("/") and Path(words[0]).name == "env":
            words = [word for word in words[1:] if not _ASSIGNMENT.match(word)]
        if not words or not words[0].startswith("/"):
            found.append(match.group(0).strip())
    return found


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("pipx install awsprocesscreds", True),
        ("pip install awsprocesscreds        # or: pipx", True),
        ("`pip install --user awsprocesscreds`", True),
        ("python -m pip install -U 'awsprocesscreds>=1'", True),
        ("uv tool install awsprocesscreds[test]", True),
        ("pip3 install Awsprocesscreds", True),
        ("pipx install awsprocesscreds-saml", False),
        ("pip install 'awsprocesscreds-saml[demo]'", False),
        ("uv tool install awsprocesscreds_saml", False),
        ("pipx install git+https://example.invalid/awsprocesscreds-saml.git", False),
        ("pip install .", False),
        ("pip install git-remote-codecommit", False),
        ("installs `awsprocesscreds==0.0.2` with pip", False),
        ("pip install awsprocesscreds==0.0.2", False),
        ("the awsprocesscreds package", False),
    ],
)
def test_old_name_installs_finds_the_bare_old_name(text: str, bad: bool) -> None:
    assert bool(old_name_installs(text)) is bad


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("credential_process = awsprocesscreds-saml -e URL", True),
        ("credential_process = env REQUESTS_CA_BUNDLE=/ca.pem awsprocesscreds-saml -e U", True),
        ("credential_process = /usr/bin/env REQUESTS_CA_BUNDLE=/ca.pem awsprocesscreds-saml", True),
        ("`credential_process = ~/bin/awsprocesscreds-saml ...`", True),
        ("credential_process = /path/to/awsprocesscreds-saml -e URL", False),
        ("credential_process = /usr/bin/env A=1 B=2 /opt/bin/awsprocesscreds-saml -e U", False),
        ("the `credential_process` line", False),
    ],
)
def test_relative_credential_processes_finds_bare_commands(text: str, bad: bool) -> None:
    assert bool(relative_credential_processes(text)) is bad


def test_installed_distribution_is_awsprocesscreds_saml(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    info = json.loads(probe.stdout)
    assert info["name"] == DISTRIBUTION
    assert info["version"] == info["package_version"]
    assert info["owners"] == [DISTRIBUTION]
    assert info["entry_points"] == [
        ["adfs", DISTRIBUTION],
        ["entra", DISTRIBUTION],
        ["form", DISTRIBUTION],
        ["keycloak", DISTRIBUTION],
        ["okta", DISTRIBUTION],
        ["shibboleth", DISTRIBUTION],
        ["shibboleth-ecp", DISTRIBUTION],
    ]
    assert len(info["files"]) == 1


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_docs_install_the_new_name(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert old_name_installs(text) == []
    # pipx names its environment after the distribution.
    assert "pipx/venvs/awsprocesscreds/" not in text


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_docs_credential_process_uses_an_absolute_path(document: Path) -> None:
    assert relative_credential_processes(document.read_text(encoding="utf-8")) == []


def test_readme_says_how_to_install_from_a_checkout() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pipx install {DISTRIBUTION}" in readme
    assert re.search(r"pipx install '?git\+", readme)
    assert "pip install ." in readme
