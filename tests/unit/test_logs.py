"""Log lines through ``logs``: nothing loaded for a run that writes none, the CLI's
handler in place before the first line or the first library that logs."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter (this one has loaded logging long ago)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_debug_lines_load_nothing_and_a_warning_reads_as_the_clis() -> None:
    done = run(
        """
        import sys
        from awsprocesscreds import logs
        logs.enable(verbose=False)
        log = logs.logger("awsprocesscreds.example")
        log.debug("not shown %s", "secret")
        assert "logging" not in sys.modules
        log.warning("shown %s\\x1b[2J", 1)
        log.debug("still not shown")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "awsprocesscreds-saml: shown 1\N{REPLACEMENT CHARACTER}[2J\n"


def test_verbose_shows_every_step() -> None:
    done = run(
        """
        from awsprocesscreds import logs
        logs.enable(verbose=True)
        logs.logger("awsprocesscreds.example").debug("step %d", 1)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "awsprocesscreds-saml: step 1\n"


def test_the_handler_is_in_place_before_requests_can_log() -> None:
    done = run(
        """
        import logging
        from awsprocesscreds import logs
        logs.enable(verbose=False)
        from awsprocesscreds.http import IdpSession
        IdpSession().close()
        assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger().handlers)
        logging.getLogger("urllib3.connectionpool").warning("Retrying https://idp/?code=x")
        logging.getLogger("awsprocesscreds.example").debug("hidden")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_outside_the_cli_lines_go_where_logging_sends_them() -> None:
    done = run(
        """
        import logging
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(message)s")
        from awsprocesscreds import logs
        logs.logger("awsprocesscreds.example").debug("a step")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "awsprocesscreds.example a step\n"
