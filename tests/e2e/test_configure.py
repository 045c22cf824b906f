"""``configure`` through the installed CLI never damages the AWS config file: parallel
runs keep every profile, refusals leave the file byte for byte, and botocore reads
back exactly what was written."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import botocore.session
import pytest
from botocore.configloader import load_config

from tests.cli_runner import CLI, run_without_terminal
from tests.conftest import USER
from tests.e2e.test_plugins import install_plugin

ENDPOINT = "https://idp.example.com/adfs/ls/IdpInitiatedSignOn.aspx"
LOGIN = ["-e", ENDPOINT, "-u", USER, "-p", "adfs"]
EXISTING = b"# mine\n[default]\nregion = eu-west-1\n\n[profile dev]\noutput = json\n"


def configure(profile: str, *extra: str) -> list[str]:
    return ["configure", "--profile", profile, *LOGIN, *extra]


def test_parallel_runs_keep_every_profile(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_bytes(EXISTING)
    names = [f"team-{n}" for n in range(12)]
    runs = [
        subprocess.Popen(
            [CLI, *configure(name)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for name in names
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0] * 12, errors
    profiles = load_config(str(config))["profiles"]
    assert set(profiles) == {"default", "dev", *names}
    for name in names:
        assert shlex.split(profiles[name]["credential_process"])[1:] == LOGIN
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert set(botocore.session.Session().available_profiles) >= set(names)


def test_botocore_reads_back_exactly_what_was_written(env: dict[str, str]) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    before = (
        b"[default]\r\nregion = eu-west-1\r\n\r\n"
        b"[profile dev]\r\nRegion: eu-west-1\r\nCredential_Process = old\r\n  --more\r\n"
        b"\r\n[profile ops]\r\noutput = json\r\n"
    )
    config.write_bytes(before)
    run = run_without_terminal(configure("dev", "--region", "us-west-2"), env)
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    after = config.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")  # CRLF stays CRLF
    profiles = load_config(str(config))["profiles"]
    assert set(profiles["dev"]) == {"region", "credential_process"}
    assert profiles["dev"]["region"] == "us-west-2"
    assert shlex.split(profiles["dev"]["credential_process"]) == [CLI, *LOGIN]
    assert profiles["default"] == {"region": "eu-west-1"}
    assert profiles["ops"] == {"output": "json"}


def test_a_section_botocore_ignores_is_reported_and_the_right_one_written(
    env: dict[str, str],
) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_bytes(b"[ profile dev ]\nregion = eu-west-1\n")
    run = run_without_terminal(configure("dev"), env)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"awsprocesscreds-saml: {config}: line 1: [ profile dev ] is ignored by botocore "
        "(no spaces are allowed inside the brackets); wrote [profile dev], the section it reads"
    ]
    assert run.stdout.startswith(f"Wrote [profile dev] in {config}:\n")
    profiles = load_config(str(config))["profiles"]
    assert shlex.split(profiles["dev"]["credential_process"]) == [CLI, *LOGIN]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            configure("dev", "--region", "us-east-1\n[profile evil]\ncredential_process = sh"),
            "--region contains a line break or control character; nothing was written",
        ),
        (
            ["configure", "--profile", "dev", "-e", f"{ENDPOINT}\n[x]", "-u", USER, "-p", "adfs"],
            "-e contains a line break",
        ),
        (
            ["configure", "--profile", "dev", "-e", ENDPOINT, "-u", "a\rb = c", "-p", "adfs"],
            "-u contains a line break",
        ),
        (configure("my dev"), "botocore would ignore a profile named 'my dev'"),
        (configure("a]b"), "botocore would ignore a profile named 'a]b'"),
        (configure(""), "botocore would ignore a profile named ''"),
        (
            [
                "configure",
                "--profile",
                "dev",
                "-e",
                "http://idp.example.com/",
                "-u",
                USER,
                "-p",
                "adfs",
            ],
            "-e must be the https:// URL of your IdP's sign-in page",
        ),
        (
            ["configure", "--profile", "dev", "-e", ENDPOINT, "-u", USER, "-p", "nosuch"],
            "unknown provider 'nosuch'; choose one of: adfs, entra, form, keycloak, okta, "
            "pingfed, shibboleth",
        ),
        (configure("dev", "--region", "Frankfurt"), "--region 'Frankfurt' is not an AWS region"),
        (configure("dev", "-a", "Dev"), "-a 'Dev' is not an IAM role ARN"),
    ],
)
def test_refusals_leave_the_file_unchanged(
    args: list[str], message: str, env: dict[str, str]
) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_bytes(EXISTING)
    run = run_without_terminal(args, env)
    assert run.code == 1
    assert message in run.error_line()
    assert config.read_bytes() == EXISTING


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"[default]\nregion = caf\xe9\n",
            "it is not UTF-8 text (at byte 23); it is left unchanged",
        ),
        (
            b"[profile dev]\nregion = a\nREGION = b\n",
            "botocore cannot read this file (line 3: key 'region' appears twice in [profile dev])",
        ),
    ],
)
def test_a_file_we_cannot_edit_safely_is_left_unchanged(
    content: bytes, message: str, env: dict[str, str]
) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_bytes(content)
    run = run_without_terminal(configure("dev"), env)
    assert f"{config}: {message}" in run.error_line()
    assert config.read_bytes() == content


def test_a_fifo_at_the_config_path_cannot_hang_configure(env: dict[str, str]) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    os.mkfifo(config)
    run = run_without_terminal(configure("dev"), env, timeout=30)
    assert "is not a regular file you own and can read" in run.error_line()
    assert config.is_fifo()


def test_a_symlinked_config_is_edited_through_the_link(env: dict[str, str], home: Path) -> None:
    real = home / "dotfiles" / "aws-config"
    real.parent.mkdir()
    real.write_bytes(EXISTING)
    config = Path(env["AWS_CONFIG_FILE"])
    config.symlink_to(real)
    run = run_without_terminal(configure("new"), env)
    assert run.code == 0, run.stderr
    assert config.is_symlink()
    assert set(load_config(str(real))["profiles"]) == {"default", "dev", "new"}


def test_an_installed_plugin_provider_is_accepted(env: dict[str, str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_plugin(site)
    args = ["configure", "--profile", "corp", "-e", ENDPOINT, "-u", USER, "-p", "Corp"]
    run = run_without_terminal(args, {**env, "PYTHONPATH": str(site)})
    assert run.code == 0, run.stderr
    profiles = load_config(env["AWS_CONFIG_FILE"])["profiles"]
    assert shlex.split(profiles["corp"]["credential_process"])[-2:] == ["-p", "corp"]
