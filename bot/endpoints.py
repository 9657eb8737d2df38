"""OpenAI-compatible endpoints named in ``PROVIDERS``: read by name, not by a fixed field.

``PROVIDERS=openai,openrouter,ollama`` makes ``OPENROUTER_*`` and ``OLLAMA_*``
settings of their own; the settings class cannot list them, so they are read
here, from the same places: overrides, then the environment, then ``.env``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from providers.settings import OPENAI, EndpointSettings, SettingsError, is_builtin, read_endpoint


def endpoints_named(names: Iterable[str], overrides: Mapping[str, Any], *,
                    named_in: str = "PROVIDERS") -> dict[str, EndpointSettings]:
    """Each endpoint among ``names`` (not a built-in protocol, not ``openai``) with its settings.

    Raises :class:`~providers.settings.SettingsError` naming ``<NAME>_BASE_URL`` when
    missing (and ``named_in``, the setting that named the endpoint).
    """
    variables = _variables(overrides)
    endpoints: dict[str, EndpointSettings] = {}
    for name in names:
        if is_builtin(name) or name == OPENAI:
            continue
        endpoint = read_endpoint(variables, name)
        if endpoint is None:
            raise SettingsError(f"{name.upper()}_BASE_URL: required for the OpenAI-compatible "
                                f"endpoint {name!r} named in {named_in}")
        endpoints[name] = endpoint
    return endpoints


def _variables(overrides: Mapping[str, Any]) -> dict[str, str]:
    """Every variable as the environment spells it: ``.env``, the environment, overrides."""
    env_file = overrides.get("_env_file", ".env")
    found: dict[str, str] = {}
    if env_file and Path(env_file).is_file():
        found.update({k.upper(): v for k, v in dotenv_values(env_file).items() if v is not None})
    found.update({k.upper(): v for k, v in os.environ.items()})
    found.update({k.upper(): ",".join(map(str, v)) if isinstance(v, tuple | list) else str(v)
                  for k, v in overrides.items() if not k.startswith("_")})
    return found
