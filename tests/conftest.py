import os

import pytest
from hypothesis import settings as hypothesis_settings

from citelint.config import Settings
from citelint.engine import Linter


@pytest.fixture(scope="session")
def linter():
    """Every rule, default or not, with no configuration file involved."""
    return Linter(Settings(select=("ALL",)))


# Property tests: "ci" (the default) runs enough examples to matter in about a
# minute; HYPOTHESIS_PROFILE=nightly runs many more. No timing: deadline=None.
hypothesis_settings.register_profile("ci", max_examples=300, deadline=None)
hypothesis_settings.register_profile("nightly", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
