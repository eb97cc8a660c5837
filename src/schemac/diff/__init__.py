"""Compare two catalogs into typed changes (``compare``); ``changes`` defines them."""

from .changes import Change
from .compare import Renames, compare, goal_unmanaged, left_alone, overloads_left_alone, partitions_own_left_alone

__all__ = [
    "Change",
    "Renames",
    "compare",
    "goal_unmanaged",
    "left_alone",
    "overloads_left_alone",
    "partitions_own_left_alone",
]
