"""Compare two catalogs into typed changes (``compare``); ``changes`` defines them."""

from .changes import Change
from .compare import Renames, compare, goal_unmanaged, left_alone, partitions_own_left_alone
from .unheld import for_spec

__all__ = ["Change", "Renames", "compare", "for_spec", "goal_unmanaged", "left_alone", "partitions_own_left_alone"]
