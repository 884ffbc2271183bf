import pytest

from citelint.config import Settings
from citelint.engine import Linter


@pytest.fixture(scope="session")
def linter():
    """Every rule, default or not, with no configuration file involved."""
    return Linter(Settings(select=("ALL",)))
