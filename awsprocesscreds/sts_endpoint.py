"""Where STS is for a role: its partition's region and endpoint, as botocore resolves
them, and the settings read from the environment at the CLI edge. Pure; no I/O.

The endpoint is regional (botocore's default since 2025; the global
``sts.amazonaws.com`` only serves the commercial partition), with the FIPS and dual-stack
variants of ``AWS_USE_FIPS_ENDPOINT`` and ``AWS_USE_DUALSTACK_ENDPOINT``, unless
``AWS_ENDPOINT_URL_STS`` (then ``AWS_ENDPOINT_URL``) names one, or
``AWS_STS_REGIONAL_ENDPOINTS=legacy`` asks for the global endpoint in the regions
botocore sends there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from awsprocesscreds.errors import ConfigurationError

_PARTITION_DEFAULT_REGION = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
}
#: Per partition: the DNS suffix, and the dual-stack one.
_DNS_SUFFIXES = {
    "aws": ("amazonaws.com", "api.aws"),
    "aws-cn": ("amazonaws.com.cn", "api.amazonwebservices.com.cn"),
    "aws-us-gov": ("amazonaws.com", "api.aws"),
}
#: The global endpoint, and the regions whose calls botocore sends there when
#: ``AWS_STS_REGIONAL_ENDPOINTS`` is ``legacy`` (its ``LEGACY_GLOBAL_STS_REGIONS``).
GLOBAL_ENDPOINT = "https://sts.amazonaws.com/"
LEGACY_GLOBAL_REGIONS = frozenset(
    (
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    )
)
#: Seconds to wait for each STS answer, unless ``--timeout`` says otherwise.
DEFAULT_READ_TIMEOUT = 30.0
#: Where the CA bundle for STS is named, as botocore reads it.
CA_BUNDLE_VARIABLES = ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE")


class StsSettings(NamedTuple):
    """Where and how to reach STS, read from the environment at the CLI edge."""

    endpoint_url: str | None = None
    region: str | None = None
    use_fips: bool = False
    use_dualstack: bool = False
    #: ``AWS_STS_REGIONAL_ENDPOINTS=legacy``: the global endpoint where botocore uses it.
    legacy_global: bool = False
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_attempts: int = 3

    @classmethod
    def from_env(cls, env: Mapping[str, str], timeout: float | None = None) -> StsSettings:
        """Honour AWS_ENDPOINT_URL_STS (then AWS_ENDPOINT_URL), AWS_REGION /
        AWS_DEFAULT_REGION, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT and
        AWS_STS_REGIONAL_ENDPOINTS as botocore does. Raises ConfigurationError for an
        AWS_STS_REGIONAL_ENDPOINTS other than ``legacy`` or ``regional``."""
        return cls(
            endpoint_url=env.get("AWS_ENDPOINT_URL_STS") or env.get("AWS_ENDPOINT_URL") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
            use_fips=_flag(env.get("AWS_USE_FIPS_ENDPOINT")),
            use_dualstack=_flag(env.get("AWS_USE_DUALSTACK_ENDPOINT")),
            legacy_global=_regional_endpoints(env.get("AWS_STS_REGIONAL_ENDPOINTS")) == "legacy",
            read_timeout=DEFAULT_READ_TIMEOUT if timeout is None else timeout,
        )

    def url_for(self, partition: str) -> str:
        """The STS endpoint serving roles of ``partition``."""
        region = sts_region(partition, self.region)
        if self.endpoint_url:
            return self.endpoint_url
        variant = self.use_fips or self.use_dualstack
        if self.legacy_global and not variant and region in LEGACY_GLOBAL_REGIONS:
            return GLOBAL_ENDPOINT
        plain, dualstack = _DNS_SUFFIXES[partition]
        suffix = dualstack if self.use_dualstack else plain
        # GovCloud's regular endpoints are FIPS endpoints already.
        fips = self.use_fips and (self.use_dualstack or partition != "aws-us-gov")
        return f"https://{'sts-fips' if fips else 'sts'}.{region}.{suffix}/"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _regional_endpoints(value: str | None) -> str:
    """``legacy`` or ``regional`` (the default, also for an empty value)."""
    setting = (value or "").strip() or "regional"
    if setting not in ("legacy", "regional"):
        raise ConfigurationError(
            f"AWS_STS_REGIONAL_ENDPOINTS is {setting!r}; it must be legacy or regional"
        )
    return setting


def region_partition(region: str) -> str:
    """The partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def sts_region(partition: str, preferred: str | None) -> str:
    """The region whose STS endpoint serves ``partition``: ``preferred`` when it belongs
    to that partition, else the partition's usual one."""
    if partition not in _PARTITION_DEFAULT_REGION:
        raise ConfigurationError(
            f"unknown AWS partition {partition!r} in the role ARN; supported: "
            + ", ".join(_PARTITION_DEFAULT_REGION)
        )
    if preferred and region_partition(preferred) == partition:
        return preferred
    return _PARTITION_DEFAULT_REGION[partition]
