"""Lark parsers whose grammar analysis is kept between runs, in the user's own cache directory.

Building an LALR parser from its grammar costs tens of milliseconds on every import; Lark's
`cache` option stores the analysis and loads it in a few. Lark's default cache file lies in the
shared temporary directory, where another local user could plant it, and it is a pickle, so
ours lives in a directory only the user can write: `$XDG_CACHE_HOME/prowler-ext` (default
`~/.cache/prowler-ext`, created with mode 0700; a directory writable by others is not used).
Lark checks the grammar and options against the file and rebuilds, rewriting it, when they
differ or the file is unreadable. Where no such directory can be had (a read-only home), the
parser is built as before.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import lark
from lark import Lark


def cache_directory() -> Path | None:
    """The user's private cache directory for parsers, or None when there is none to use."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = Path(base) / "prowler-ext"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        return None
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not owned or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return directory


def cached_lark(name: str, grammar: str, **options: Any) -> Lark:
    """`Lark(grammar, parser="lalr", **options)`, its analysis cached under `name`."""
    directory = cache_directory()
    if directory is None:
        return Lark(grammar, parser="lalr", **options)
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    path = directory / f"{name}-lark{lark.__version__}-py{python}.cache"
    return Lark(grammar, parser="lalr", cache=str(path), **options)
