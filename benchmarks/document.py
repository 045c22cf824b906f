"""docs/performance.md, written from a benchmark run rather than by hand.

Contract: :func:`render_document` fills the template's one ``{{results}}`` marker with
the Results section built from ``results`` (what ``bench.run_benchmark`` returns, whose
``meta`` carries ``commit``, ``dirty`` and ``date``), writes each path of ``hide`` as its
label (the document is committed: where this machine keeps a checkout or its temporary
files is nobody's business) and returns the document; it is pure and raises ValueError
when the template has no marker or more than one.
:func:`source_revision` says which commit a run measures: ``git rev-parse --short
HEAD``, and whether the checkout differs from it (the document itself aside, since the
previous run rewrote it); ``(None, False)`` when git cannot tell.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.report import floor_figures, refresh_targets, render
from benchmarks.tools import BASELINE, LABELS, OURS, OURS_REFRESH, PYTHON, SIGN_INS

MARKER = "{{results}}"
TEMPLATE = Path(__file__).with_name("performance_template.md")
#: The document, relative to the repository root (its changes do not make a run dirty).
DOCUMENT = "docs/performance.md"
_VERDICTS = {True: "met", False: "**missed**", None: "not measured"}


def source_revision(root: Path) -> tuple[str | None, bool]:
    """(short commit hash, whether the checkout has uncommitted changes) of ``root``."""
    try:
        head = _git(root, "rev-parse", "--short", "HEAD").strip()
        status = _git(root, "status", "--porcelain", "--", ".", f":(exclude){DOCUMENT}")
    except (OSError, subprocess.SubprocessError):
        return None, False
    return head or None, bool(status.strip())


def render_document(
    results: dict[str, Any], template: str, hide: Mapping[str, str] | None = None
) -> str:
    """The document: ``template`` with its marker replaced by the Results section, and
    every path in ``hide`` (longest first) replaced by its label."""
    if template.count(MARKER) != 1:
        raise ValueError(f"the template must hold {MARKER} exactly once")
    section = results_section(results)
    for path in sorted(hide or {}, key=len, reverse=True):
        if path:
            section = section.replace(path, (hide or {})[path])
    return template.replace(MARKER, section)


def results_section(results: dict[str, Any]) -> str:
    """The Results section (markdown) of one run, without its heading."""
    parts = [
        _provenance(results["meta"]),
        _cache_hit(results),
        _cold_login(results),
        _refresh(results),
        _parallel(results),
        _round_trips(results),
        "### The report as printed\n\nWhat `make bench` printed for this run "
        "(with any measurement not tabled above):\n\n"
        f"```text\n{render(results).strip()}\n```",
    ]
    return "\n\n".join(parts)


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout


def _provenance(meta: dict[str, Any]) -> str:
    commit = meta.get("commit")
    if commit is None:
        tree = "a tree that is not a git checkout (commit unknown)"
    else:
        tree = f"commit `{commit}`" + (" with uncommitted changes" if meta.get("dirty") else "")
    versions = sorted(meta["baseline_versions"].items())
    others = ", ".join(f"{name} {v}" for name, v in versions if name != "awsprocesscreds")
    baseline = (
        f"not measured: {meta['baseline_problem']}"
        if meta["baseline_problem"]
        else f"awsprocesscreds 0.0.2 (with {others})"
    )
    return (
        f"Measured by `make bench` on {tree}, on {meta.get('date', 'an unknown date')}: "
        f"awsprocesscreds-saml {meta['ours_version']} as a {meta['ours_install']} install, "
        f"CPython {meta['python']} on {meta['platform']} with {meta['cpus']} CPUs, "
        f"{meta['rounds']} cache-hit rounds after {meta['warmup']} warm-up rounds; the whole "
        f"run took {meta['seconds']:.0f} s. Baseline: {baseline}. Timings on a shared machine "
        "move by a few milliseconds from one run to the next; the ratios, measured side by "
        "side, move much less."
    )


def _cache_hit(results: dict[str, Any]) -> str:
    hits = results["cache_hit"]
    python_median = hits[PYTHON]["median_ms"]
    rows = [
        "### Cache hit",
        "",
        "| command | median | min | max | median / `python -c pass` | peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in (PYTHON, OURS, BASELINE):
        row = hits.get(name)
        if row is None:
            rows.append(f"| {LABELS[name]} | not measured | | | | |")
            continue
        rows.append(
            f"| {LABELS[name]} | {row['median_ms']:.1f} ms | {row['min_ms']:.1f} ms | "
            f"{row['max_ms']:.1f} ms | {row['median_ms'] / python_median:.2f}x | "
            f"{row['peak_rss_mb_max']:.1f} MB |"
        )
    paired = results.get("cache_hit_paired", {})
    if paired:
        rows += [
            "",
            "Medians of the ratios within each round (the commands of a round run within a "
            "second of each other): "
            + ", ".join(f"{label} {value:.2f}x" for label, value in paired.items())
            + ".",
        ]
    rows += [
        "",
        "| target | measured | limit | |",
        "| --- | ---: | ---: | --- |",
    ]
    for target in results["targets"]:
        value = "n/a" if target["value"] is None else f"{target['value']:.2f}"
        rows.append(
            f"| {target['target']} | {value} | {target['limit']} | {_VERDICTS[target['met']]} |"
        )
    floor = results["meta"].get("rss_floor_mb")
    if floor is not None:
        rows += [
            "",
            f"Peak RSS is in MB of 10^6 bytes. The method cannot report less than {floor:.1f} MB "
            "(what it reports for `true`; see [Peak memory](#peak-memory)).",
        ]
    return "\n".join(rows)


def _cold_login(results: dict[str, Any]) -> str:
    cold = results["cold_login"]
    if not cold:
        return "### Cold login\n\nNot measured."
    runs = next(iter(cold.values()))["n"]
    rows = [
        "### Cold login",
        "",
        "Both tools against the same emulated AD FS 2.0 sign-in page, ours also against the "
        "Entra ID emulator (a managed user, without and with a Microsoft Authenticator push "
        "approved at the first poll), moto as STS, cache emptied before each run (with "
        "ours' kept IdP sessions, except in the two refresh rows: see below), "
        f"{runs} runs each after one warm-up login, all interleaved:",
        "",
        "| command | sign-in | median | min | max | peak RSS |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, sign_in in SIGN_INS.items():
        row = cold.get(name)
        if row is None:
            if name in (OURS, BASELINE):  # a run may leave the others out
                rows.append(f"| {LABELS[name]} | {sign_in} | not measured | | | |")
            continue
        rows.append(
            f"| {LABELS[name]} | {sign_in} | {row['median_ms']:.0f} ms | {row['min_ms']:.0f} ms"
            f" | {row['max_ms']:.0f} ms | {row['peak_rss_mb_max']:.1f} MB |"
        )
    return "\n".join(rows)


def _refresh(results: dict[str, Any]) -> str:
    """The hourly refresh on a kept IdP session beside the full sign-ins, with its
    targets and the IdP requests of one refresh."""
    refresh, cold = results.get("refresh"), results["cold_login"]
    if not refresh or OURS_REFRESH not in cold:
        return "### Hourly refresh with a kept IdP session\n\nNot measured."
    median = cold[OURS_REFRESH]["median_ms"]
    rows = [
        "### Hourly refresh with a kept IdP session",
        "",
        "Ours an hour after a sign-in at the same emulated AD FS 2.0: the credentials have "
        "expired (the credential cache is emptied before each run) but the IdP session "
        "kept by the first sign-in lives on, so no password and no second factor. In the "
        "same interleaved rounds as the cold logins above:",
        "",
        "| refresh / | by the medians | median of the ratios within each round | limit | |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for label, full, what, target in zip(
        ("our full sign-in", "0.0.2's cold login"),
        (OURS, BASELINE),
        ("refresh / ours", "refresh / 0.0.2"),
        refresh_targets(cold),
        strict=True,
    ):
        paired = refresh["paired"].get(what)
        if target["value"] is None or paired is None:
            rows.append(f"| {label} | not measured | | | |")
            continue
        rows.append(
            f"| {label} ({cold[full]['median_ms']:.0f} ms against {median:.0f} ms) | "
            f"{target['value']:.2f}x | {paired:.2f}x | {target['limit']} | "
            f"{_VERDICTS[target['met']]} |"
        )
    rows += _floor(floor_figures(cold))
    requests = refresh["idp_requests"]
    listed = ", ".join(f"`{request}`" for request in requests)
    rows += [
        "",
        f"IdP requests of one refresh: {len(requests)}: {listed} (the entry URL, and the "
        "redirect AD FS answers it with, to the page that carries the SAML form at once), "
        "then one STS call. The benchmark fails unless every refresh is that: no sign-in "
        "and one session reuse counted by the emulator, nothing but one GET of the entry "
        "URL and its redirects, one STS call.",
    ]
    return "\n".join(rows)


def _floor(floor: dict[str, float] | None) -> list[str]:
    """What the refresh costs with none of our code, and the ratio that leaves."""
    if not floor:
        return []
    return [
        "",
        f"The same refresh with the standard library alone takes {floor['floor_ms']:.0f} ms "
        '(`benchmarks/floor_refresh.py`, the "standard library alone" row above: the same '
        "GET with the kept cookies and the same STS call, without any of our locks, cache "
        "rules, bounds, proxies or hardened XML). That is about the least a refresh started "
        "as a Python process can cost; ours costs "
        f"{floor['refresh_ms'] - floor['floor_ms']:.0f} ms more. If ours cost no more than "
        "that floor, and a full sign-in went on costing what it costs beyond our refresh "
        f"({floor['full_ms'] - floor['refresh_ms']:.0f} ms: "
        "importing requests and the provider's sign-in, the password's `POST`), the refresh "
        "would be "
        f"**{floor['best_ratio']:.2f}x** our full sign-in: the best the first ratio can be "
        "while the two share everything else.",
    ]


def _parallel(results: dict[str, Any]) -> str:
    parallel = results["parallel"]
    rows = [
        "### Parallel cold start",
        "",
        "Processes for the same profile started at once with an empty cache:",
        "",
        "| command | sign-in | processes | IdP logins | STS calls | succeeded | slowest process |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    failures = []
    for name, sign_in in SIGN_INS.items():
        row = parallel.get(name)
        if row is None:
            if name in (OURS, BASELINE):
                rows.append(f"| {LABELS[name]} | {sign_in} | not measured | | | | |")
            continue
        sts = "?" if row["sts_calls"] is None else row["sts_calls"]
        rows.append(
            f"| {LABELS[name]} | {sign_in} | {row['processes']} | {row['idp_logins']} | {sts} | "
            f"{row['succeeded']} | {row['slowest_s']:.1f} s |"
        )
        failures += [f"- {LABELS[name]} on {sign_in}: `{failure}`" for failure in row["failures"]]
    if failures:
        rows += ["", "Failed processes:", "", *failures]
    return "\n".join(rows)


def _round_trips(results: dict[str, Any]) -> str:
    rows = [
        "### HTTP requests of one cold login",
        "",
        "As the emulators logged them in this run (see "
        "[HTTP round trips](#http-round-trips-of-a-cold-login) for what each one is):",
        "",
        "| provider | tool | IdP requests | STS calls |",
        "| --- | --- | --- | ---: |",
    ]
    for provider, tools in results["round_trips"].items():
        for name, row in tools.items():
            if not row["ok"]:
                rows.append(f"| {provider} | {LABELS[name]} | fails: {row['error']} | - |")
                continue
            sts = "?" if row["sts_calls"] is None else row["sts_calls"]
            requests = ", ".join(f"`{request}`" for request in row["idp_requests"])
            rows.append(
                f"| {provider} | {LABELS[name]} | {len(row['idp_requests'])}: {requests} | {sts} |"
            )
    return "\n".join(rows)
