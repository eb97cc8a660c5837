from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._migration import existing_alters


@rule(
    "SC502",
    "constraint-not-valid",
    "warning",
    "add the constraint `not valid`, then `alter table ... validate constraint` in a later step",
)
def constraint_not_valid(ctx):
    """
    ## What it does
    Reports a FOREIGN KEY or CHECK constraint added to an existing table
    without `NOT VALID`.

    Not reported: constraints added to a table created earlier in the same
    file (it is empty), `NOT VALID` constraints (their `VALIDATE CONSTRAINT`
    takes a lock that lets writes through), and primary keys and unique
    constraints, which build an index instead (see `index-not-concurrent`).

    ## Why is this bad
    Adding the constraint validates every existing row while holding a lock
    that blocks writes (and, for a foreign key, a lock on the referenced
    table too). `NOT VALID` adds it instantly for new rows; `VALIDATE
    CONSTRAINT` later checks old rows under a lock that lets writes run.

    ## Example
    ```sql
    alter table documents add constraint documents_vehicle_fk
      foreign key (vehicle_id) references vehicles (id);
    ```

    ## Use instead
    ```sql
    alter table documents add constraint documents_vehicle_fk
      foreign key (vehicle_id) references vehicles (id) not valid;
    alter table documents validate constraint documents_vehicle_fk;
    ```

    ## Fix safety
    Safe; run the VALIDATE in its own transaction.
    """
    for stmt, key, cmd in existing_alters(ctx, "AT_AddConstraint"):
        con = (cmd.get("def") or {}).get("Constraint", {})
        if con.get("contype") in ("CONSTR_FOREIGN", "CONSTR_CHECK") and not con.get("skip_validation"):
            kind = "foreign key" if con["contype"] == "CONSTR_FOREIGN" else "check constraint"
            yield Hit(
                stmt,
                stmt.at(con.get("location")),
                f"{kind} {con.get('conname') or ''} added to existing table {label(key)} without "
                f"not valid scans it under a lock that blocks writes".replace("  ", " "),
            )
