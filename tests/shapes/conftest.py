"""Fixtures for the shape tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shapes.shapes_support import EXAMPLES


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES
