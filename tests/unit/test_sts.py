"""STS: partition, region and endpoint choice, the Query call and its answers, retries,
the session-length retry and error lines. A scripted sender stands in for the network
(answers as STS writes them); the end-to-end tests send the same calls over HTTPS to
moto and to our STS emulator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from awsprocesscreds.cache import FileCache, cache_directory
from awsprocesscreds.errors import ConfigurationError, NetworkError, StsError, Unreachable
from awsprocesscreds.saml import Role, SamlAssertion
from awsprocesscreds.stdhttp import Answer
from awsprocesscreds.sts import assume_role
from awsprocesscreds.sts_endpoint import StsSettings, region_partition, sts_region
from awsprocesscreds.sts_query import StsClient, parse_timestamp, read_answer

ROLE = Role("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")
ASSERTION = SamlAssertion("PHNhbWw+", (ROLE,), "alice", None)
EXPIRES = datetime(2099, 11, 23, 13, 0, tzinfo=timezone.utc)
NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def ok(expiration: str = "2099-11-23T13:00:00Z", **drop: bool) -> Answer:
    fields = {
        "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "SecretAccessKey": "s" * 40,
        "SessionToken": "t" * 100,
        "Expiration": expiration,
    }
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if not drop.get(k))
    body = (
        f'<AssumeRoleWithSAMLResponse xmlns="{NS}"><AssumeRoleWithSAMLResult>'
        f"<Credentials>{inner}</Credentials></AssumeRoleWithSAMLResult>"
        "</AssumeRoleWithSAMLResponse>"
    )
    return Answer("https://sts", 200, {"content-type": "text/xml"}, body.encode())


def error(code: str, message: str, status: int = 400) -> Answer:
    body = (
        f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    )
    return Answer("https://sts", status, {}, body.encode())


class Scripted:
    """Answers (or raises) in order, recording the form of every call."""

    def __init__(self, *answers: Answer | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, str]] = []

    def send(
        self, method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str]
    ) -> Answer:
        assert method == "POST"
        assert headers["Content-Type"].startswith("application/x-www-form-urlencoded")
        form = parse_qs((body or b"").decode("ascii"), strict_parsing=True)
        self.calls.append({key: values[0] for key, values in form.items()})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def durations(self) -> list[int]:
        return [int(call["DurationSeconds"]) for call in self.calls]


def client(sender: Scripted, attempts: int = 3) -> StsClient:
    return StsClient(
        "https://sts.us-east-1.amazonaws.com/",
        sender,
        max_attempts=attempts,
        sleep=lambda _: None,
        jitter=lambda: 0.5,
    )


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
    ("partition", "region", "fips", "dualstack", "url"),
    [
        # What botocore resolves for the same settings (checked against botocore 1.44).
        ("aws", None, False, False, "https://sts.us-east-1.amazonaws.com/"),
        ("aws", "eu-west-1", False, False, "https://sts.eu-west-1.amazonaws.com/"),
        ("aws-cn", None, False, False, "https://sts.cn-north-1.amazonaws.com.cn/"),
        ("aws-us-gov", None, False, False, "https://sts.us-gov-west-1.amazonaws.com/"),
        ("aws", None, True, False, "https://sts-fips.us-east-1.amazonaws.com/"),
        ("aws-cn", None, True, False, "https://sts-fips.cn-north-1.amazonaws.com.cn/"),
        ("aws-us-gov", "us-gov-east-1", True, False, "https://sts.us-gov-east-1.amazonaws.com/"),
        ("aws", "ca-central-1", False, True, "https://sts.ca-central-1.api.aws/"),
        ("aws-cn", None, False, True, "https://sts.cn-north-1.api.amazonwebservices.com.cn/"),
        ("aws-us-gov", None, True, True, "https://sts-fips.us-gov-west-1.api.aws/"),
        ("aws", None, True, True, "https://sts-fips.us-east-1.api.aws/"),
    ],
)
def test_endpoint_follows_partition_region_fips_and_dualstack(
    partition: str, region: str | None, fips: bool, dualstack: bool, url: str
) -> None:
    settings = StsSettings(region=region, use_fips=fips, use_dualstack=dualstack)
    assert settings.url_for(partition) == url


def test_an_endpoint_override_wins_but_the_partition_is_still_checked() -> None:
    settings = StsSettings(endpoint_url="http://127.0.0.1:5000")
    assert settings.url_for("aws-cn") == "http://127.0.0.1:5000"
    with pytest.raises(ConfigurationError, match="aws-iso"):
        settings.url_for("aws-iso")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-east-1", "us-gov-west-1"])
@pytest.mark.parametrize("setting", ["legacy", "regional"])
@pytest.mark.parametrize(("fips", "dualstack"), [(False, False), (True, False), (False, True)])
def test_regional_endpoints_setting_resolves_as_botocore_does(
    monkeypatch: pytest.MonkeyPatch, region: str, setting: str, fips: bool, dualstack: bool
) -> None:
    import botocore.session

    env = {
        "AWS_STS_REGIONAL_ENDPOINTS": setting,
        "AWS_DEFAULT_REGION": region,
        "AWS_USE_FIPS_ENDPOINT": str(fips).lower(),
        "AWS_USE_DUALSTACK_ENDPOINT": str(dualstack).lower(),
    }
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    expected = botocore.session.get_session().create_client("sts", region_name=region)
    partition = region_partition(region)
    got = StsSettings.from_env(env).url_for(partition)
    assert got.rstrip("/") == expected.meta.endpoint_url.rstrip("/")


def test_an_unknown_regional_endpoints_setting_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="AWS_STS_REGIONAL_ENDPOINTS is 'global'"):
        StsSettings.from_env({"AWS_STS_REGIONAL_ENDPOINTS": "global"})
    assert not StsSettings.from_env({"AWS_STS_REGIONAL_ENDPOINTS": ""}).legacy_global


def test_settings_from_environment() -> None:
    settings = StsSettings.from_env(
        {
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:5000",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
            "AWS_DEFAULT_REGION": "eu-central-1",
            "AWS_USE_FIPS_ENDPOINT": "True",
            "AWS_USE_DUALSTACK_ENDPOINT": "false",
        },
        timeout=7,
    )
    assert settings == StsSettings(
        "http://127.0.0.1:5000", "eu-central-1", True, False, read_timeout=7
    )
    assert StsSettings.from_env({"AWS_ENDPOINT_URL": "http://x"}).endpoint_url == "http://x"
    assert StsSettings.from_env({}) == StsSettings()


def test_the_call_sends_the_query_api_form_and_reads_the_credentials() -> None:
    sender = Scripted(ok())
    got = assume_role(client(sender), ASSERTION, ROLE, None)
    assert sender.calls == [
        {
            "Action": "AssumeRoleWithSAML",
            "Version": "2011-06-15",
            "RoleArn": ROLE.role_arn,
            "PrincipalArn": ROLE.principal_arn,
            "SAMLAssertion": ASSERTION.encoded,
            "DurationSeconds": "3600",
        }
    ]
    assert got.access_key_id == "ASIAEXAMPLEEXAMPLE01"
    assert got.expiration == EXPIRES


def test_duration_defaults_to_the_assertions_session_duration() -> None:
    sender = Scripted(ok())
    assume_role(client(sender), SamlAssertion("PHNhbWw+", (ROLE,), "alice", 7200), ROLE, None)
    assert sender.durations() == [7200]


def test_explicit_duration_wins() -> None:
    sender = Scripted(ok())
    assume_role(client(sender), SamlAssertion("PHNhbWw+", (ROLE,), "alice", 7200), ROLE, 900)
    assert sender.durations() == [900]


TOO_LONG = (
    "ValidationError",
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
)


def test_duration_above_the_roles_maximum_is_retried_with_an_hour() -> None:
    sender = Scripted(error(*TOO_LONG), ok())
    got = assume_role(client(sender), ASSERTION, ROLE, 43200)
    assert got.access_key_id == "ASIAEXAMPLEEXAMPLE01"
    assert sender.durations() == [43200, 3600]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("InvalidIdentityToken", "Specified provider doesn&apos;t exist"),
        ("ExpiredTokenException", "Token has expired"),
        ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"),
        ("ValidationError", "1 validation error detected"),
    ],
)
def test_sts_errors_show_code_and_message(code: str, message: str) -> None:
    sender = Scripted(error(code, message))
    with pytest.raises(StsError) as caught:
        assume_role(client(sender), ASSERTION, ROLE, None)
    shown = message.replace("&apos;", "'")
    assert f"AWS STS refused AssumeRoleWithSAML: {code}: {shown}" in str(caught.value)
    assert ASSERTION.encoded not in str(caught.value)
    assert len(sender.calls) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    "answer",
    [
        error("Throttling", "Rate exceeded"),
        error("InternalFailure", "oops", status=500),
        Answer("https://sts", 503, {}, b"<html>Service Unavailable</html>"),
        Unreachable("cannot connect to sts: connection refused"),
    ],
)
def test_throttling_server_errors_and_lost_connections_are_tried_three_times(
    answer: Answer | Exception,
) -> None:
    sender = Scripted(answer, answer, ok())
    assert assume_role(client(sender), ASSERTION, ROLE, None).expiration == EXPIRES
    assert len(sender.calls) == 3
    failing = Scripted(answer, answer, answer, ok())
    with pytest.raises(StsError):
        assume_role(client(failing), ASSERTION, ROLE, None)
    assert len(failing.calls) == 3


def test_a_timeout_or_tls_failure_is_not_retried() -> None:
    sender = Scripted(NetworkError("TLS verification failed for sts"), ok())
    with pytest.raises(StsError, match="cannot reach AWS STS: TLS verification failed"):
        assume_role(client(sender), ASSERTION, ROLE, None)
    assert len(sender.calls) == 1


@pytest.mark.parametrize(
    ("answer", "line"),
    [
        (ok(AccessKeyId=True), "without complete credentials"),
        (ok("soon"), "an Expiration that is not a date"),
        (Answer("https://sts", 200, {}, b"<html>proxy login</html>"), "not an STS response"),
        (Answer("https://sts", 200, {}, b"not xml at all"), "not an STS response"),
        (Answer("https://sts", 403, {}, b"Forbidden"), "answered HTTP 403 without an STS error"),
        (
            Answer("https://sts", 200, {}, b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
            "not an STS response",
        ),
        (Answer("https://sts", 200, {}, b"<!DOCTYPE x>" + ok().body), "not an STS response"),
    ],
)
def test_answers_that_are_not_stss_are_one_clear_line(answer: Answer, line: str) -> None:
    with pytest.raises(StsError, match=line):
        assume_role(client(Scripted(answer), attempts=1), ASSERTION, ROLE, None)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2099-11-23T13:00:00Z", EXPIRES),
        ("2099-11-23T13:00:00.123Z", EXPIRES + timedelta(milliseconds=123)),
        ("2099-11-23T14:00:00+01:00", EXPIRES),
        ("2099-11-23T12:30:00-0030", EXPIRES),
        ("2099-11-23T13:00:00", EXPIRES),
    ],
)
def test_timestamps_as_sts_writes_them(text: str, moment: datetime) -> None:
    assert parse_timestamp(text) == moment


@pytest.mark.parametrize("text", ["soon", "2099-13-01T00:00:00Z", "2099-11-23 13:00:00Z", ""])
def test_timestamps_that_are_not(text: str) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        parse_timestamp(text)


def test_a_namespaceless_answer_is_read_too() -> None:
    body = ok().body.replace(f' xmlns="{NS}"'.encode(), b"")
    assert read_answer(Answer("https://sts", 200, {}, body)).expiration == EXPIRES


def test_the_accepted_duration_is_remembered_for_the_next_login(tmp_path: Path) -> None:
    cache = FileCache(cache_directory(tmp_path))
    assertion = SamlAssertion("PHNhbWw+", (ROLE,), "alice", 28800)
    sender = Scripted(error(*TOO_LONG), ok(), ok(), ok())
    assume_role(client(sender), assertion, ROLE, None, cache)
    assume_role(client(sender), assertion, ROLE, None, cache)  # one call, not two
    other = Role("arn:aws:iam::123456789012:role/Ops", ROLE.principal_arn)
    assume_role(client(sender), assertion, other, None, cache)  # another role asks for its own
    assert sender.durations() == [28800, 3600, 3600, 28800]


@pytest.mark.parametrize(
    ("late", "skew"),
    [(timedelta(seconds=1), "60 min"), (timedelta(hours=2), "3 h"), (timedelta(0), "60 min")],
)
def test_credentials_expired_on_arrival_name_the_clock_difference(
    late: timedelta, skew: str
) -> None:
    with pytest.raises(StsError, match="expire at") as caught:
        assume_role(client(Scripted(ok())), ASSERTION, ROLE, None, now=lambda: EXPIRES + late)
    message = str(caught.value)
    assert f"clock is about {skew} ahead of AWS's" in message
    assert "2099-11-23T13:00:00Z" in message


def test_credentials_that_expire_later_are_passed_on() -> None:
    got = assume_role(
        client(Scripted(ok())), ASSERTION, ROLE, None, now=lambda: EXPIRES - timedelta(seconds=1)
    )
    assert got.expiration == EXPIRES
