"""The hazards a plan step can carry. A leaf: the kind registry names the hazard of each
kind's drop, and the plan every other hazard (``plan/hazards.py``)."""

DATA_LOSS = "data-loss"
TABLE_REWRITE = "table-rewrite"
LONG_LOCK = "long-lock"
BREAKS_CLIENTS = "breaks-clients"
WIDENS_ACCESS = "widens-access"
HAZARDS = (DATA_LOSS, TABLE_REWRITE, LONG_LOCK, BREAKS_CLIENTS, WIDENS_ACCESS)
