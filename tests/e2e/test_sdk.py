"""Through real botocore and git-remote-codecommit: a temp AWS_CONFIG_FILE whose
profile runs the installed CLI as its credential_process."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import boto3
import pytest

from tests.cli_runner import CLI
from tests.conftest import ROLE_ARN, USER, as_sdk_environment, cache_files
from tests.emulators import AdfsEmulator, TestTls


@pytest.fixture
def profile(
    tls: TestTls, env: dict[str, str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AdfsEmulator]:
    """Profile ``adfs`` in a temp AWS_CONFIG_FILE; this process's environment is the
    CLI's (botocore passes it on), with the password supplied for automation."""
    with AdfsEmulator(tls) as idp:
        command = shlex.join([CLI, "-e", idp.entry_url, "-u", USER, "-p", "adfs", "-a", ROLE_ARN])
        config = Path(env["AWS_CONFIG_FILE"])
        config.write_text(f"[profile adfs]\nregion = us-east-1\ncredential_process = {command}\n")
        as_sdk_environment(monkeypatch, env)
        yield idp


def test_boto3_profile_gets_credentials_from_the_process(
    profile: AdfsEmulator, env: dict[str, str], home: Path
) -> None:
    session = boto3.Session(profile_name="adfs")
    identity = session.client("sts", endpoint_url=env["AWS_ENDPOINT_URL_STS"]).get_caller_identity()
    assert ":assumed-role/Dev/" in identity["Arn"]
    assert identity["Account"] == "123456789012"
    assert profile.logins == 1
    # a second SDK start is served from our cache
    again = boto3.Session(profile_name="adfs").get_credentials()
    assert again is not None
    assert profile.logins == 1
    assert len(cache_files(home)) == 1


def test_aws_cli_style_run_in_a_child_process(profile: AdfsEmulator, env: dict[str, str]) -> None:
    script = (
        "import boto3, sys;"
        "c = boto3.Session(profile_name='adfs').client('sts', endpoint_url=sys.argv[1]);"
        "print(c.get_caller_identity()['Arn'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, env["AWS_ENDPOINT_URL_STS"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert ":assumed-role/Dev/" in done.stdout


def test_git_remote_codecommit_signs_with_our_credentials(
    profile: AdfsEmulator, home: Path
) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from git_remote_codecommit import Context, git_url

    context = Context.from_url("codecommit://adfs@Repo")
    assert context.repository == "Repo"
    url = urlsplit(
        git_url(context.repository, context.version, context.region, context.credentials)
    )
    host, path = url.hostname or "", url.path
    assert (host, path) == ("git-codecommit.us-east-1.amazonaws.com", "/v1/repos/Repo")
    [entry] = cache_files(home)
    ours = json.loads(entry.read_text())
    assert unquote(url.username or "") == f"{ours['AccessKeyId']}%{ours['SessionToken']}"
    # The password is TIMESTAMP "Z" SIGNATURE: recompute the SigV4 signature with the
    # secret key we handed out; only that key yields the same one.
    timestamp, _, signature = (url.password or "").partition("Z")
    request = AWSRequest(method="GIT", url=f"https://{host}{path}")
    request.context["timestamp"] = timestamp
    key = Credentials(ours["AccessKeyId"], ours["SecretAccessKey"], ours["SessionToken"])
    signer = SigV4Auth(key, "codecommit", "us-east-1")
    canonical = f"GIT\n{path}\n\nhost:{host}\n\nhost\n"
    assert signature == signer.signature(signer.string_to_sign(request, canonical), request)
    assert profile.logins == 1
