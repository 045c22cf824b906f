"""Writing the credential_process line: every other line of the config survives."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from awsprocesscreds.profiles import command_line, update_profile, write_config

LINE = {"credential_process": "/bin/awsprocesscreds-saml -e 'https://x/?a=1&b=2'"}


def parse(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "[profile dev]\ncredential_process = CMD\n"),
        (
            "[default]\nregion = x\n",
            "[default]\nregion = x\n\n[profile dev]\ncredential_process = CMD\n",
        ),
        (
            "[default]\nregion = x",
            "[default]\nregion = x\n\n[profile dev]\ncredential_process = CMD\n",
        ),
        (
            "[profile dev]\nregion = x\ncredential_process = old\n# note\n",
            "[profile dev]\nregion = x\ncredential_process = CMD\n# note\n",
        ),
        (
            "[profile dev]\nregion = x\n\n[profile other]\noutput = json\n",
            "[profile dev]\nregion = x\ncredential_process = CMD\n"
            "\n[profile other]\noutput = json\n",
        ),
        (
            "[ profile  dev ] ; comment\nregion = x\n",
            "[ profile  dev ] ; comment\nregion = x\ncredential_process = CMD\n",
        ),
        (
            "[profile develop]\nregion = x\n",
            "[profile develop]\nregion = x\n\n[profile dev]\ncredential_process = CMD\n",
        ),
    ],
)
def test_update_profile(before: str, after: str) -> None:
    assert update_profile(before, "dev", {"credential_process": "CMD"}) == after


def test_default_profile_section_name() -> None:
    text = update_profile("[default]\nregion = x\n", "default", {"credential_process": "CMD"})
    assert text == "[default]\nregion = x\ncredential_process = CMD\n"


def test_nested_values_are_not_mistaken_for_keys() -> None:
    before = "[profile dev]\ns3 =\n  credential_process = nested\n"
    text = update_profile(before, "dev", {"credential_process": "CMD"})
    assert "  credential_process = nested\n" in text
    assert text.endswith("credential_process = CMD\n")


def test_the_result_parses_and_round_trips_through_shlex() -> None:
    text = update_profile("# top\n[default]\nregion = x\n", "dev", LINE)
    parsed = parse(text)
    argv = shlex.split(parsed["profile dev"]["credential_process"])
    assert argv == ["/bin/awsprocesscreds-saml", "-e", "https://x/?a=1&b=2"]
    assert text.startswith("# top\n[default]\nregion = x\n")


def test_command_line_quotes_for_shlex() -> None:
    args = ["-e", "https://h/?a=1&b=2", "-u", "EXAMPLE\\alice", "-p", "adfs"]
    assert shlex.split(command_line(args))[1:] == args


def test_write_config_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "config"
    real.parent.mkdir()
    real.write_text("[default]\n")
    real.chmod(0o644)
    link = tmp_path / "config"
    link.symlink_to(real)
    write_config(link, "[default]\nregion = x\n")
    assert link.is_symlink()
    assert real.read_text() == "[default]\nregion = x\n"
    assert oct(real.stat().st_mode & 0o777) == "0o644"
