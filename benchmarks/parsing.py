"""Hostile pages: how long reading each of ``tests.emulators.hostile.hostile_pages()``
takes (``forms.Page``, then AD FS's page recognisers and Okta's SAMLResponse lookup).

Contract: :func:`measure_parsing` runs each page in a child process of ``python`` (the
interpreter of our installed command) with a hard time limit, so a parser that goes
quadratic is reported as "over N s" rather than hanging the benchmark. It returns
``{name: {"seconds": float | None, "outcome": str}}``: ``seconds`` is None when the
child hit the limit or failed, and ``outcome`` says "parsed", "refused" (the page was
rejected as not a login page), "over N s" or the child's error.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Seconds a child may take for one page (generation, imports and parsing).
CHILD_LIMIT = 30
REPOSITORY = Path(__file__).resolve().parents[1]

_CHILD = """
import json, sys, time
sys.path.append(sys.argv[1])  # after site-packages: the installed package wins
from tests.emulators.hostile import hostile_pages
from awsprocesscreds.authenticators.adfs import ADFS
from awsprocesscreds.authenticators.adfs_pages import adapter_form
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Page

html = hostile_pages()[sys.argv[2]]
started = time.perf_counter()
try:
    page = Page(html, "https://idp.example.com/adfs/ls/")
    adapter_form(page)
    ADFS.error_text(page)
    page.input_value("SAMLResponse")
    any(form.field_of_type("password") for form in page.forms)
    outcome = "parsed"
except IdpResponseError:
    outcome = "refused"
print(json.dumps({"seconds": time.perf_counter() - started, "outcome": outcome}))
"""


def page_names(python: str) -> list[str]:
    """The names of the hostile pages, as the installed interpreter sees them."""
    script = (
        "import json, sys; sys.path.append(sys.argv[1]); "
        "from tests.emulators.hostile import hostile_pages; "
        "print(json.dumps(sorted(hostile_pages())))"
    )
    done = subprocess.run(
        [python, "-c", script, str(REPOSITORY)],
        capture_output=True,
        text=True,
        timeout=CHILD_LIMIT,
        check=True,
    )
    names: list[str] = json.loads(done.stdout)
    return names


def measure_parsing(python: str, log: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Time the reading of each hostile page in its own child process."""
    results: dict[str, dict[str, Any]] = {}
    for name in page_names(python):
        try:
            done = subprocess.run(
                [python, "-c", _CHILD, str(REPOSITORY), name],
                capture_output=True,
                text=True,
                timeout=CHILD_LIMIT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            results[name] = {"seconds": None, "outcome": f"over {CHILD_LIMIT} s"}
        else:
            if done.returncode == 0:
                results[name] = json.loads(done.stdout)
            else:
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                results[name] = {"seconds": None, "outcome": f"failed: {last}"}
        log(f"hostile page {name}: {results[name]['outcome']}")
    return results
