"""Console sign-in's pure parts: which destinations each partition accepts."""

from __future__ import annotations

import pytest

from awsprocesscreds.console import check_destination
from awsprocesscreds.errors import UsageError


@pytest.mark.parametrize(
    ("partition", "destination"),
    [
        ("aws", "https://console.aws.amazon.com/"),
        ("aws", "https://console.aws.amazon.com/s3/"),
        ("aws", "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:"),
        ("aws", "https://console.aws.amazon.com:443/iam/"),
        ("aws-cn", "https://console.amazonaws.cn/s3/"),
        ("aws-us-gov", "https://us-gov-west-1.console.amazonaws-us-gov.com/"),
    ],
)
def test_pages_of_the_partitions_console_are_accepted(partition: str, destination: str) -> None:
    assert check_destination(partition, destination) == destination


@pytest.mark.parametrize(
    ("partition", "destination"),
    [
        ("aws", "s3"),
        ("aws", "/s3/"),
        ("aws", "http://console.aws.amazon.com/s3/"),
        ("aws", "https://console.aws.amazon.com.evil.example.com/"),
        ("aws", "https://evilconsole.aws.amazon.com/"),
        ("aws", "https://user:pw@console.aws.amazon.com/"),
        ("aws", "https://console.aws.amazon.com:8443/"),
        ("aws", "https://console.aws.amazon.com:notaport/"),
        ("aws", "https://console.aws.amazon.com\\@evil.example.com/"),
        ("aws", "https://console.aws.amazon.com/s3/ x"),
        ("aws", "https://console.amazonaws.cn/"),
        ("aws-cn", "https://console.aws.amazon.com/"),
        ("aws", "javascript:alert(1)"),
        ("aws", ""),
    ],
)
def test_anything_else_is_a_usage_error(partition: str, destination: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_destination(partition, destination)
    assert caught.value.exit_code == 2
    assert f"an https:// page of the {partition} console" in str(caught.value)
