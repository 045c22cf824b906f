"""A third-party provider installed beside us is found through the entry-point group;
a broken one cannot break the others."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import run_without_terminal
from tests.conftest import PASSWORD, USER
from tests.emulators import AdfsEmulator, TestTls

PLUGIN = """
from awsprocesscreds.authenticators.adfs import AdfsAuthenticator


class CorpAuthenticator(AdfsAuthenticator):
    description = "AD FS behind the Corp portal"

    def authenticate(self):
        yield from ()
        self.context.session.headers["X-Corp"] = "1"
        return (yield from super().authenticate())
"""
ENTRY_POINTS = """[awsprocesscreds.authenticators]
corp = corp_plugin:CorpAuthenticator
broken = corp_plugin_missing:Nothing
"""


def install_plugin(site: Path) -> None:
    """What pip would leave: a module and a dist-info with entry_points.txt."""
    site.mkdir()
    (site / "corp_plugin.py").write_text(PLUGIN)
    info = site / "corp_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: corp-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)


def test_third_party_provider_and_broken_plugin(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    install_plugin(site)
    plugin_env = {**env, "PYTHONPATH": str(site), "AWSPROCESSCREDS_PASSWORD": PASSWORD}
    with AdfsEmulator(tls) as idp:
        corp = run_without_terminal(
            ["-e", idp.entry_url, "-u", USER, "-p", "corp", "--no-cache"], plugin_env
        )
        builtin = run_without_terminal(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs", "--no-cache"], plugin_env
        )
        broken = run_without_terminal(
            ["-e", idp.entry_url, "-u", USER, "-p", "broken", "--no-cache"], plugin_env
        )
        assert idp.logins == 2
    assert corp.code == 0, corp.stderr
    corp.credentials()
    assert builtin.code == 0, builtin.stderr
    assert "provider 'broken' could not be loaded" in broken.error_line()
    unknown = run_without_terminal(["-e", "https://x/", "-u", USER, "-p", "nope"], plugin_env)
    assert (
        "choose one of: adfs, broken, corp, entra, form, keycloak, okta, shibboleth, shibboleth-ecp"
        in unknown.error_line()
    )
