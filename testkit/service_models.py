"""AWS's service models parsed once per process.

Every test builds fresh Prowler providers, and each provider's botocore session would parse
the same large JSON service models again (about a second per test). With
`share_service_models()` all sessions of the process share one botocore data loader, so only
the parsing is saved: the models are read-only data, and every request still goes through
botocore and moto as before.
"""

from __future__ import annotations

from typing import Any

import botocore.loaders
import botocore.session


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
