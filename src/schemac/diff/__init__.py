"""Compare two catalogs into typed changes (``compare``); ``changes`` defines them."""

from .changes import Change
from .compare import Renames, compare

__all__ = ["Change", "Renames", "compare"]
