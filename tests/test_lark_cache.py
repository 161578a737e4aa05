"""The parsers' grammar analysis is cached only where the user alone can write, and a cached
parser parses as a freshly built one does."""

from __future__ import annotations

import os
import stat

import pytest

from prowler_ext import lark_cache

GRAMMAR = """
start: NAME ("," NAME)*
NAME: /[a-z]+/
%ignore " "
"""


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def test_the_cache_is_a_private_directory_and_a_cached_parser_parses_the_same(cache_home):
    built = lark_cache.cached_lark("test-grammar", GRAMMAR)
    directory = cache_home / "prowler-ext"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    (cached_file,) = directory.glob("test-grammar-*.cache")
    loaded = lark_cache.cached_lark("test-grammar", GRAMMAR)  # from the file
    assert cached_file.stat().st_size > 0
    assert loaded.parse("a, bc") == built.parse("a, bc")


def test_a_directory_others_can_write_is_not_used(cache_home):
    directory = cache_home / "prowler-ext"
    directory.mkdir()
    os.chmod(directory, 0o777)
    assert lark_cache.cache_directory() is None
    parser = lark_cache.cached_lark("test-grammar", GRAMMAR)
    assert list(directory.iterdir()) == []
    assert parser.parse("a").children[0] == "a"


def test_without_a_usable_directory_the_parser_is_built_as_before(cache_home):
    (cache_home / "prowler-ext").write_text("not a directory")
    assert lark_cache.cache_directory() is None
    assert lark_cache.cached_lark("test-grammar", GRAMMAR).parse("x, y")


def test_a_damaged_cache_file_is_rebuilt(cache_home):
    lark_cache.cached_lark("test-grammar", GRAMMAR)
    (cached_file,) = (cache_home / "prowler-ext").glob("test-grammar-*.cache")
    cached_file.write_bytes(b"garbage")
    parser = lark_cache.cached_lark("test-grammar", GRAMMAR)
    assert parser.parse("a, b").children == ["a", "b"]
    assert cached_file.read_bytes() != b"garbage"
