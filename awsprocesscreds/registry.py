"""Finding authenticators by provider name through the entry-point group.

Built-in providers register through the same group as third-party plugins, so a
plugin is no second-class citizen. A plugin that fails to load is logged and skipped
unless it is the one asked for. Only a login imports this: the cache-hit path never
scans entry points.
"""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint, entry_points

from awsprocesscreds.authenticators.base import Authenticator
from awsprocesscreds.errors import ProviderNotFoundError

log = logging.getLogger(__name__)

GROUP = "awsprocesscreds.authenticators"


def provider_names() -> list[str]:
    """Registered provider names, sorted."""
    return sorted({ep.name for ep in _entry_points()})


def load_authenticator(name: str) -> type[Authenticator]:
    """The authenticator class registered as ``name`` (case-insensitive).

    Raises ProviderNotFoundError naming the valid providers when there is none, or
    when the one asked for cannot be loaded.
    """
    wanted = name.lower()
    matches = [ep for ep in _entry_points() if ep.name.lower() == wanted]
    if not matches:
        raise ProviderNotFoundError(
            f"unknown provider {name!r}; choose one of: {', '.join(provider_names()) or 'none'}"
        )
    errors = []
    for entry_point in matches:
        try:
            loaded = entry_point.load()
        except Exception as exc:  # a broken plugin must not crash the tool
            log.debug("provider plugin %s (%s) failed to load: %s", name, entry_point.value, exc)
            errors.append(f"{entry_point.value}: {exc}")
            continue
        if isinstance(loaded, type) and issubclass(loaded, Authenticator):
            return loaded
        errors.append(f"{entry_point.value} is not an Authenticator subclass")
    raise ProviderNotFoundError(f"provider {name!r} could not be loaded ({'; '.join(errors)})")


def _entry_points() -> list[EntryPoint]:
    return list(entry_points(group=GROUP))
