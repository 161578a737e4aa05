"""AWS's service models and Prowler's config file parsed once per process.

Every test builds fresh Prowler providers, and each provider's botocore session would parse
the same large JSON service models again (about a second per test), and each provider would
parse Prowler's config.yaml again (a quarter of a second, pure-Python YAML). With
`share_service_models()` all sessions of the process share one botocore data loader; with
`parse_prowler_config_once()` Prowler's config loader answers from a copy of its first answer
for the same unchanged file. Only parsing is saved: every request still goes through botocore
and moto, and every provider gets its own copy of its configuration.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import botocore.loaders
import botocore.session

from .warm_prowler import replace_everywhere


def share_service_models() -> None:
    """One botocore data loader (and its cache of parsed models) for every session of this
    process, instead of one per session. Models are read-only data: only parsing is saved."""
    if getattr(botocore.session.create_loader, "shared", False):
        return
    loaders: dict[Any, botocore.loaders.Loader] = {}

    def create_loader(search_path_string: Any = None) -> botocore.loaders.Loader:
        if search_path_string not in loaders:
            loaders[search_path_string] = botocore.loaders.create_loader(search_path_string)
        return loaders[search_path_string]

    create_loader.shared = True  # type: ignore[attr-defined]
    botocore.session.create_loader = create_loader


def parse_prowler_config_once() -> None:
    """Prowler's `load_and_validate_config_file`, memoized by (provider, file, its mtime and
    size) in every module that imported it; each call returns its own deep copy."""
    from prowler.config import config

    original = config.load_and_validate_config_file
    if getattr(original, "memoized", False):
        return
    answers: dict[tuple, Any] = {}

    def load_and_validate_config_file(provider: str, config_file_path: str) -> dict:
        try:
            stat = os.stat(config_file_path)
        except OSError:
            return original(provider, config_file_path)
        key = (provider, os.path.abspath(config_file_path), stat.st_mtime_ns, stat.st_size)
        if key not in answers:
            answers[key] = original(provider, config_file_path)
        return copy.deepcopy(answers[key])

    load_and_validate_config_file.memoized = True  # type: ignore[attr-defined]
    replace_everywhere(original, load_and_validate_config_file)
