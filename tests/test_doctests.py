"""The examples in the package's docstrings run as tests (every module of ``kg`` that has one)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(info.name for info in pkgutil.walk_packages(kg.__path__, "kg.")
                 if info.name != "kg.__main__" and ">>> " in (importlib.util.find_spec(info.name).loader.get_source(info.name) or ""))


def test_some_modules_have_examples() -> None:
    assert {"kg.iris", "kg.serve.formats", "kg.guard", "kg.build.tables"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert not result.failed, f"{result.failed} of {result.attempted} examples of {name} failed (run python -m doctest -v)"
