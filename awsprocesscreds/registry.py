"""Finding authenticators by provider name through the entry-point group.

Built-in providers register through the same group as third-party plugins, so a
plugin is no second-class citizen: it is listed, named in errors and loaded the same
way. The built-in names are reserved, though: they are resolved from ``BUILT_IN``
without reading every installed distribution's metadata (``importlib.metadata`` and
the scan cost every sign-in and refresh some 13 ms), so a plugin registered under one
of them is never loaded. A plugin that fails to load is logged and skipped unless it is
the one asked for. Only a login imports this: the cache-hit path never scans entry
points.
"""

from __future__ import annotations

import importlib

from awsprocesscreds.errors import ProviderNotFoundError
from awsprocesscreds.logs import logger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from awsprocesscreds.authenticators.base import Authenticator

log = logger(__name__)

GROUP = "awsprocesscreds.authenticators"

#: The built-in providers, exactly as pyproject.toml registers them in ``GROUP`` (a
#: test holds the two together).
BUILT_IN = {
    "adfs": "awsprocesscreds.authenticators.adfs:AdfsAuthenticator",
    "entra": "awsprocesscreds.authenticators.entra:EntraAuthenticator",
    "form": "awsprocesscreds.authenticators.form:GenericFormAuthenticator",
    "keycloak": "awsprocesscreds.authenticators.keycloak:KeycloakAuthenticator",
    "okta": "awsprocesscreds.authenticators.okta:OktaAuthenticator",
    "pingfed": "awsprocesscreds.authenticators.pingfed:PingFedAuthenticator",
    "shibboleth": "awsprocesscreds.authenticators.shibboleth:ShibbolethAuthenticator",
    "shibboleth-ecp": "awsprocesscreds.authenticators.shibboleth_ecp:ShibbolethEcpAuthenticator",
}
#: The built-in providers that try a kept IdP session with a GET of the entry URL
#: first (their ``resume_url`` is the default; a test holds this to the classes). The
#: shared login path sends that GET before it imports the provider's module, so an
#: hourly refresh on a live session costs no more than the GET and the STS call.
RESUMED_AT_ENTRY = frozenset({"adfs", "form", "keycloak", "okta", "pingfed"})


def provider_names() -> list[str]:
    """Registered provider names, sorted: the built-in ones and the plugins'."""
    return sorted(set(BUILT_IN) | {ep.name for ep in _entry_points()})


def load_authenticator(name: str) -> type[Authenticator]:
    """The authenticator class registered as ``name`` (case-insensitive).

    Raises ProviderNotFoundError naming the valid providers when there is none, or
    when the one asked for cannot be loaded.
    """
    from awsprocesscreds.authenticators.base import Authenticator

    wanted = name.lower()
    if wanted in BUILT_IN:
        module, _, attribute = BUILT_IN[wanted].partition(":")
        loaded: type[Authenticator] = getattr(importlib.import_module(module), attribute)
        return loaded
    matches = [ep for ep in _entry_points() if ep.name.lower() == wanted]
    if not matches:
        raise ProviderNotFoundError(
            f"unknown provider {name!r}; choose one of: {', '.join(provider_names())}"
        )
    errors = []
    for entry_point in matches:
        try:
            plugin = entry_point.load()
        except Exception as exc:  # a broken plugin must not crash the tool
            log.debug("provider plugin %s (%s) failed to load: %s", name, entry_point.value, exc)
            errors.append(f"{entry_point.value}: {exc}")
            continue
        if isinstance(plugin, type) and issubclass(plugin, Authenticator):
            return plugin
        errors.append(f"{entry_point.value} is not an Authenticator subclass")
    raise ProviderNotFoundError(f"provider {name!r} could not be loaded ({'; '.join(errors)})")


def _entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return list(entry_points(group=GROUP))
