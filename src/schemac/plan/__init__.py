"""Changes -> an ordered plan of SQL steps, each with its hazards.

A plan runs in three phases: steps that must commit before the rest can use
them (new enum values), the transaction (drops in reverse dependency order,
renames, then creates and alterations in dependency order), and steps that
cannot run inside a transaction or should run after it (CREATE INDEX
CONCURRENTLY on existing tables, VALIDATE CONSTRAINT).

By concern: ``steps`` (Plan, Step, Phase), ``hazards`` (every hazard rule),
``drops``, ``creates``, ``alters`` (one function per change type) and
``order`` (``make_plan``).
"""

from .drops import drop_sql
from .hazards import BREAKS_CLIENTS, DATA_LOSS, HAZARDS, LONG_LOCK, TABLE_REWRITE, WIDENS_ACCESS
from .order import make_plan
from .steps import Phase, Plan, PlanError, Step

__all__ = [
    "BREAKS_CLIENTS",
    "DATA_LOSS",
    "HAZARDS",
    "LONG_LOCK",
    "TABLE_REWRITE",
    "WIDENS_ACCESS",
    "Phase",
    "Plan",
    "PlanError",
    "Step",
    "drop_sql",
    "make_plan",
]
