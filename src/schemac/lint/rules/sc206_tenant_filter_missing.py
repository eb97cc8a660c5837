from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import filter_of, label
from schemac.lint.rules._policies import bypass_roles, constant_truth, only_for_bypassing_roles
from schemac.lint.tree import Key, column_refs, conjuncts, strings


def constrains(expr, column: str, table: Key) -> bool:
    """Does a top-level AND term of ``expr`` use the table's own ``column``?
    References inside subqueries with a FROM clause do not count, as there an
    unqualified name may belong to the subquery's table
    (``tenant_memberships.tenant_id``), except in a correlated EXISTS that compares the column, qualified by the
    table's name, with one of its own."""
    for term in conjuncts(expr):
        for fields, _ in column_refs(term, outside_subqueries=True):
            if fields == [column] or fields == [table[1], column]:
                return True
        if _correlated_exists(term, column, table):
            return True
    return False


def _correlated_exists(term: dict, column: str, table: Key) -> bool:
    """``exists (select 1 from tenant_users tu where tu.tenant_id = docs.tenant_id and ...)``"""
    link = term.get("SubLink")
    if not link or link.get("subLinkType") != "EXISTS_SUBLINK":
        return False
    select = link.get("subselect", {}).get("SelectStmt", {})
    if table[1] in _names_in_from(select.get("fromClause")):
        return False  # there docs.tenant_id is the subquery's own docs
    outer = ([table[1], column], [table[0], table[1], column])
    for condition in conjuncts(select.get("whereClause")):
        test = condition.get("A_Expr")
        if test and test.get("kind") == "AEXPR_OP" and strings(test.get("name")) == ["="]:
            sides = [strings(test.get(side, {}).get("ColumnRef", {}).get("fields")) for side in ("lexpr", "rexpr")]
            if any(fields in outer for fields in sides):
                return True
    return False


def _names_in_from(from_clause) -> set[str]:
    """The names the FROM clause's relations are known by (alias, else the table name)."""
    names = set()
    for item in from_clause or ():
        for kind, body in _relations(item):
            if kind == "RangeVar":
                alias = (body.get("alias") or {}).get("aliasname")
                names.add(alias or body.get("relname", ""))
    return names


def _relations(item: dict):
    if "JoinExpr" in item:
        join = item["JoinExpr"]
        yield from _relations(join.get("larg", {}))
        yield from _relations(join.get("rarg", {}))
    else:
        yield from item.items()


@rule("SC206", "tenant-filter-missing", "error", "add `tenant_id = (select private.current_tenant_id())` to the policy")
def tenant_filter_missing(ctx):
    """
    ## What it does
    On a table with the tenant column (`tenant_id` by default; the
    `tenant_column` option), checks that every permissive policy constrains
    that column in a top-level AND term of its USING (WITH CHECK for
    INSERT). A restrictive policy that constrains it covers the permissive
    policies of the commands it applies to.

    A column inside a subquery counts when the subquery is a correlated
    EXISTS that compares it, qualified by the table's name, with a column of
    its own (`exists (select 1 from tenant_users tu where tu.tenant_id =
    docs.tenant_id and tu.user_id = (select auth.uid()))`), as the
    `tenant_id in (select ...)` form does; so does a subquery without FROM,
    which can only read the policy's table (`(select
    private.is_member(tenant_id))`, a membership helper wrapped for the
    initplan). Not reported: policies only for roles that bypass row level
    security (`service_role`, `postgres`, roles created WITH BYPASSRLS; the
    `bypass_rls_roles` option) or gated on them (`auth.role() =
    'service_role'`, `(auth.jwt() ->> 'role') = 'service_role'`,
    `current_user = ...`, or `= ANY (ARRAY[...])` of such roles, as pg_dump
    prints `in (...)`): those roles see every row
    whatever the policy says, so it leaks nothing. Nor policies that admit no
    row (no expression, or a constant false), which `policy-admits-nothing`
    reports.

    ## Why is this bad
    Tenant isolation is the promise of a multi-tenant schema. A policy that
    checks only the user (`created_by = auth.uid()`) or a role lets rows of
    one tenant be read or written from another as soon as a user belongs to
    two tenants, or a row is created with the wrong tenant.

    ## Example
    ```sql
    create policy documents_read on documents for select to authenticated
      using (created_by = (select auth.uid()));
    ```

    ## Use instead
    ```sql
    create policy documents_read on documents for select to authenticated
      using (tenant_id = (select private.current_tenant_id())
             and created_by = (select auth.uid()));
    ```

    ## Fix safety
    Unsafe if rows were written with a wrong tenant: they disappear from view.
    """
    column = ctx.config.tenant_column
    bypassing = bypass_roles(ctx)
    for table in ctx.model.known_tables():
        if column not in table.columns:
            continue
        covered = set()
        for policy in table.policies:
            if not policy.permissive and constrains(filter_of(policy), column, table.key):
                covered |= set(policy.commands())
        for policy in table.policies:
            if not policy.permissive or set(policy.commands()) <= covered:
                continue
            admitted = filter_of(policy)
            if admitted is None or constrains(admitted, column, table.key):
                continue
            if constant_truth(admitted) is not False and not only_for_bypassing_roles(policy, bypassing):
                yield Hit(
                    policy.stmt,
                    policy.offset,
                    f"policy {policy.name} on {label(table.key)} does not constrain {column}, "
                    f"so it admits rows of every tenant",
                )
