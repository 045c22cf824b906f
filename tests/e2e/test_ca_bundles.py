"""Which CA bundle the STS call trusts, as the docs say: AWS_CA_BUNDLE, else
REQUESTS_CA_BUNDLE (botocore reads it too), else botocore's own list. So a
REQUESTS_CA_BUNDLE holding only the company's CA breaks STS unless AWS_CA_BUNDLE is set."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import run_without_terminal
from tests.conftest import PASSWORD, ROLE_ARN, USER
from tests.emulators import AdfsEmulator, TestTls
from tests.emulators.aws import StsEmulator


def _login(idp: AdfsEmulator, sts: StsEmulator, env: dict[str, str], **extra: str) -> list[str]:
    """Run one login; return [exit code, last stderr line] as strings."""
    run_env = {**env, "AWS_ENDPOINT_URL_STS": sts.url, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
    run_env.update(extra)
    args = ["-e", idp.entry_url, "-u", USER, "-p", "adfs", "-a", ROLE_ARN, "--no-cache"]
    run = run_without_terminal(args, run_env)
    if run.code == 0:
        run.credentials()
        return ["0", ""]
    return [str(run.code), run.error_line()]


def test_sts_trusts_requests_ca_bundle_when_aws_ca_bundle_is_unset(
    tls: TestTls, other_tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    assert "AWS_CA_BUNDLE" not in env
    # The IdP's certificate comes from the "company" CA; STS's from another one.
    with AdfsEmulator(tls) as idp, StsEmulator(other_tls) as sts:
        company_only = _login(idp, sts, env, REQUESTS_CA_BUNDLE=str(tls.ca_file))
        both = tmp_path / "both.pem"
        both.write_bytes(tls.ca_file.read_bytes() + other_tls.ca_file.read_bytes())
        one_bundle_for_both = _login(idp, sts, env, REQUESTS_CA_BUNDLE=str(both))
        aws_bundle = _login(
            idp,
            sts,
            env,
            REQUESTS_CA_BUNDLE=str(tls.ca_file),
            AWS_CA_BUNDLE=str(other_tls.ca_file),
        )
        assert sts.assumed == 2
    code, line = company_only
    assert code == "1"
    assert "STS" in line
    assert "certificate" in line.lower() or "ssl" in line.lower(), line
    assert one_bundle_for_both == ["0", ""]
    assert aws_bundle == ["0", ""]
