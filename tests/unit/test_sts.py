"""STS: partition/region choice, isolation from the user's profile, error mapping.

botocore's Stubber stands in for AWS where moto cannot (errors, the duration retry)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from awsprocesscreds.cache import FileCache, cache_directory
from awsprocesscreds.errors import ConfigurationError, StsError
from awsprocesscreds.saml import Role, SamlAssertion
from awsprocesscreds.sts import StsSettings, assume_role, make_client, sts_region

ROLE = Role("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")
ASSERTION = SamlAssertion("PHNhbWw+", (ROLE,), "alice", None)
EXPIRES = datetime(2099, 11, 23, 13, 0, tzinfo=timezone.utc)
ANSWER = {
    "Credentials": {
        "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "SecretAccessKey": "s" * 40,
        "SessionToken": "t" * 100,
        "Expiration": EXPIRES,
    }
}


@pytest.mark.parametrize(
    ("partition", "preferred", "region"),
    [
        ("aws", None, "us-east-1"),
        ("aws", "eu-west-1", "eu-west-1"),
        ("aws", "cn-north-1", "us-east-1"),
        ("aws-cn", None, "cn-north-1"),
        ("aws-cn", "cn-northwest-1", "cn-northwest-1"),
        ("aws-cn", "eu-west-1", "cn-north-1"),
        ("aws-us-gov", None, "us-gov-west-1"),
        ("aws-us-gov", "us-gov-east-1", "us-gov-east-1"),
    ],
)
def test_region_follows_the_partition(partition: str, preferred: str | None, region: str) -> None:
    assert sts_region(partition, preferred) == region


def test_unknown_partition_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="aws-iso"):
        sts_region("aws-iso", None)


@pytest.mark.parametrize(
    ("partition", "host"),
    [
        ("aws", "sts.us-east-1.amazonaws.com"),
        ("aws-cn", "sts.cn-north-1.amazonaws.com.cn"),
        ("aws-us-gov", "sts.us-gov-west-1.amazonaws.com"),
    ],
)
def test_client_uses_the_partitions_regional_endpoint(partition: str, host: str) -> None:
    client = make_client(StsSettings(), partition)
    assert client.meta.endpoint_url == f"https://{host}"


def test_settings_from_environment() -> None:
    settings = StsSettings.from_env(
        {
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:5000",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
            "AWS_CA_BUNDLE": "/ca.pem",
            "AWS_DEFAULT_REGION": "eu-central-1",
        },
        timeout=7,
    )
    assert settings == StsSettings("http://127.0.0.1:5000", "/ca.pem", "eu-central-1", 10.0, 7)
    assert StsSettings.from_env({"AWS_ENDPOINT_URL": "http://x"}).endpoint_url == "http://x"


@pytest.fixture
def hostile_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile whose credential_process would fail loudly if anything ran it."""
    config = tmp_path / "config"
    config.write_text("[profile loop]\ncredential_process = /nonexistent/should-never-run\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "loop")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing"))


@pytest.mark.usefixtures("hostile_profile")
def test_client_never_loads_the_users_profile_or_credentials() -> None:
    client = make_client(StsSettings(), "aws")
    with Stubber(client) as stub:
        stub.add_response("assume_role_with_saml", ANSWER)
        got = assume_role(client, ASSERTION, ROLE, None)
    assert got.access_key_id == "ASIAEXAMPLEEXAMPLE01"
    assert got.expiration == EXPIRES


def _stubbed(*steps: tuple[str, Any, dict[str, Any]]) -> Any:
    client = make_client(StsSettings(max_attempts=1), "aws")
    stub = Stubber(client)
    for kind, payload, expected in steps:
        if kind == "ok":
            stub.add_response("assume_role_with_saml", payload, expected)
        else:
            code, message = payload
            stub.add_client_error(
                "assume_role_with_saml", code, message, 400, expected_params=expected
            )
    stub.activate()
    return client, stub


def _params(duration: int) -> dict[str, Any]:
    return {
        "RoleArn": ROLE.role_arn,
        "PrincipalArn": ROLE.principal_arn,
        "SAMLAssertion": ASSERTION.encoded,
        "DurationSeconds": duration,
    }


def test_duration_defaults_to_the_assertions_session_duration() -> None:
    client, stub = _stubbed(("ok", ANSWER, _params(7200)))
    assertion = SamlAssertion("PHNhbWw+", (ROLE,), "alice", 7200)
    assume_role(client, assertion, ROLE, None)
    stub.assert_no_pending_responses()


def test_explicit_duration_wins() -> None:
    client, stub = _stubbed(("ok", ANSWER, _params(900)))
    assume_role(client, SamlAssertion("PHNhbWw+", (ROLE,), "alice", 7200), ROLE, 900)
    stub.assert_no_pending_responses()


def test_duration_above_the_roles_maximum_is_retried_with_an_hour() -> None:
    too_long = (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    client, stub = _stubbed(("error", too_long, _params(43200)), ("ok", ANSWER, _params(3600)))
    got = assume_role(client, ASSERTION, ROLE, 43200)
    assert got.access_key_id == "ASIAEXAMPLEEXAMPLE01"
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("InvalidIdentityToken", "Specified provider doesn't exist"),
        ("ExpiredTokenException", "Token has expired"),
        ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"),
        ("ValidationError", "1 validation error detected"),
    ],
)
def test_sts_errors_show_code_and_message(code: str, message: str) -> None:
    client, _ = _stubbed(("error", (code, message), _params(3600)))
    with pytest.raises(StsError) as caught:
        assume_role(client, ASSERTION, ROLE, None)
    assert f"{code}: {message}" in str(caught.value)
    assert ASSERTION.encoded not in str(caught.value)


def test_incomplete_answer_is_an_error() -> None:
    client, _ = _stubbed(("ok", {}, _params(3600)))
    with pytest.raises(StsError, match="without complete credentials"):
        assume_role(client, ASSERTION, ROLE, None)


def test_unreachable_sts_is_a_clear_error() -> None:
    settings = StsSettings(endpoint_url="http://127.0.0.1:9", max_attempts=1, connect_timeout=2)
    client = make_client(settings, "aws")
    with pytest.raises(StsError, match="cannot reach AWS STS"):
        assume_role(client, ASSERTION, ROLE, None)


TOO_LONG = (
    "ValidationError",
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
)


def test_the_accepted_duration_is_remembered_for_the_next_login(tmp_path: Path) -> None:
    cache = FileCache(cache_directory(tmp_path))
    assertion = SamlAssertion("PHNhbWw+", (ROLE,), "alice", 28800)
    client, stub = _stubbed(("error", TOO_LONG, _params(28800)), ("ok", ANSWER, _params(3600)))
    assume_role(client, assertion, ROLE, None, cache)
    stub.assert_no_pending_responses()
    client, stub = _stubbed(("ok", ANSWER, _params(3600)))  # one call, not two
    assume_role(client, assertion, ROLE, None, cache)
    stub.assert_no_pending_responses()
    other = Role("arn:aws:iam::123456789012:role/Ops", ROLE.principal_arn)
    client, stub = _stubbed(("ok", ANSWER, {**_params(28800), "RoleArn": other.role_arn}))
    assume_role(client, assertion, other, None, cache)  # another role asks for its own
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("late", "skew"),
    [(timedelta(seconds=1), "60 min"), (timedelta(hours=2), "3 h"), (timedelta(0), "60 min")],
)
def test_credentials_expired_on_arrival_name_the_clock_difference(
    late: timedelta, skew: str
) -> None:
    client, _ = _stubbed(("ok", ANSWER, _params(3600)))
    with pytest.raises(StsError, match="expire at") as caught:
        assume_role(client, ASSERTION, ROLE, None, now=lambda: EXPIRES + late)
    message = str(caught.value)
    assert f"clock is about {skew} ahead of AWS's" in message
    assert "2099-11-23T13:00:00Z" in message


def test_credentials_that_expire_later_are_passed_on() -> None:
    client, _ = _stubbed(("ok", ANSWER, _params(3600)))
    got = assume_role(client, ASSERTION, ROLE, None, now=lambda: EXPIRES - timedelta(seconds=1))
    assert got.expiration == EXPIRES
