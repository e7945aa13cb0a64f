"""Fixtures for the content-bank tests: the real bank, and a throwaway copy of its files to break."""

import shutil
import sys
from pathlib import Path

import pytest

# The repository root holds the `content` package; make it importable even when the project is not installed.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from content import load_bank
from content.loader import DATA_DIR


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    """A copy of the real data directory that a test may edit."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root
