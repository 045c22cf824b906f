"""Authenticator plugins: the registry, and one contract every registered provider
meets (the built-in ones register through the same entry-point group)."""

from __future__ import annotations

import inspect
from importlib.metadata import EntryPoint, distribution

import pytest
import requests

from awsprocesscreds import registry
from awsprocesscreds.authenticators.base import Authenticator, LoginContext
from awsprocesscreds.errors import ConfigurationError, ProviderNotFoundError
from awsprocesscreds.request import MFA_FACTORS, CredentialRequest


@pytest.mark.parametrize("name", registry.provider_names())
class TestAuthenticatorContract:
    """What every registered provider must do."""

    def test_is_an_authenticator_with_a_description(self, name: str) -> None:
        cls = registry.load_authenticator(name)
        assert issubclass(cls, Authenticator)
        assert cls.description

    def test_honours_only_mfa_factor_names_the_cli_accepts(self, name: str) -> None:
        cls = registry.load_authenticator(name)
        assert isinstance(cls.mfa_factors, frozenset)
        assert cls.mfa_factors <= set(MFA_FACTORS)

    def test_authenticate_is_a_generator_flow(self, name: str) -> None:
        cls = registry.load_authenticator(name)
        assert inspect.isgeneratorfunction(cls.authenticate)

    def test_a_kept_session_is_tried_on_the_idps_own_host_or_not_at_all(self, name: str) -> None:
        request = CredentialRequest(name, "https://idp.example.com/tenant/saml2", "alice")
        url = registry.load_authenticator(name).resume_url(request)
        assert url is None or url.startswith("https://idp.example.com/")

    def test_resumed_at_entry_exactly_when_the_entry_url_is_tried_first(self, name: str) -> None:
        # The login path sends that GET before loading the provider, on the word of
        # RESUMED_AT_ENTRY: it must say what the class does, and a plain request must
        # pass the class's checks (the refusals come before any request).
        cls = registry.load_authenticator(name)
        for endpoint in ("https://idp.example.com/adfs/ls/", "https://idp.example.com/t/saml2"):
            request = CredentialRequest(name, endpoint, "alice")
            at_entry = cls.resume_url(request) == endpoint and name in registry.BUILT_IN
            assert (name in registry.RESUMED_AT_ENTRY) == at_entry
        if name in registry.RESUMED_AT_ENTRY:
            cls.check_request(request)

    def test_refuses_plain_http_before_any_request(self, name: str) -> None:
        class NoNetwork(requests.Session):
            def request(self, *args: object, **kwargs: object) -> requests.Response:
                raise AssertionError("no request may be sent")

        context = LoginContext("http://idp.example.com/login", "alice", NoNetwork())
        flow = registry.load_authenticator(name)(context).authenticate()
        with pytest.raises(ConfigurationError, match="only https://"):
            next(flow)


def test_builtins_are_registered_through_entry_points() -> None:
    installed = distribution("awsprocesscreds-saml").entry_points.select(group=registry.GROUP)
    assert {ep.name: ep.value for ep in installed} == registry.BUILT_IN
    assert set(registry.BUILT_IN) <= set(registry.provider_names())


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch) -> list[EntryPoint]:
    points: list[EntryPoint] = []
    monkeypatch.setattr(registry, "_entry_points", lambda: points)
    return points


def test_unknown_provider_lists_the_valid_ones(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(
        EntryPoint("corp", "awsprocesscreds.authenticators.adfs:AdfsAuthenticator", registry.GROUP)
    )
    with pytest.raises(ProviderNotFoundError, match="unknown provider 'ping'") as raised:
        registry.load_authenticator("ping")
    assert f"choose one of: {', '.join(sorted([*registry.BUILT_IN, 'corp']))}" in str(raised.value)


def test_names_are_case_insensitive(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(
        EntryPoint("Corp", "awsprocesscreds.authenticators.okta:OktaAuthenticator", registry.GROUP)
    )
    assert registry.load_authenticator("CORP").__name__ == "OktaAuthenticator"
    assert registry.load_authenticator("OKTA").__name__ == "OktaAuthenticator"


def test_a_built_in_name_is_resolved_without_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    # No metadata is read, so a plugin under a built-in's name is never loaded.
    monkeypatch.setattr(registry, "_entry_points", lambda: pytest.fail("entry points scanned"))
    for name in registry.BUILT_IN:
        loaded = registry.load_authenticator(name)
        assert f"{loaded.__module__}:{loaded.__name__}" == registry.BUILT_IN[name]


def test_a_broken_plugin_is_skipped_for_another_of_the_same_name(
    fake_entry_points: list[EntryPoint], caplog: pytest.LogCaptureFixture
) -> None:
    fake_entry_points += [
        EntryPoint("corp", "no_such_module_anywhere:Thing", registry.GROUP),
        EntryPoint("corp", "awsprocesscreds.authenticators.adfs:AdfsAuthenticator", registry.GROUP),
    ]
    caplog.set_level("DEBUG", logger="awsprocesscreds")
    assert registry.load_authenticator("corp").__name__ == "AdfsAuthenticator"
    assert "failed to load" in caplog.text  # shown under -v


def test_a_broken_plugin_asked_for_is_a_clear_error(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points += [
        EntryPoint("broken", "no_such_module_anywhere:Thing", registry.GROUP),
        EntryPoint("wrong", "awsprocesscreds.errors:AwsProcessCredsError", registry.GROUP),
    ]
    with pytest.raises(ProviderNotFoundError, match="'broken' could not be loaded"):
        registry.load_authenticator("broken")
    with pytest.raises(ProviderNotFoundError, match="not an Authenticator subclass"):
        registry.load_authenticator("wrong")
