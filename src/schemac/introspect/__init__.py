"""Live database -> catalog: the same frozen objects the spec compiles to.

``introspect(conn)`` reads what a database holds that schemac manages;
the catalog queries are in ``queries/<kind>.sql``, one per object kind.
"""

from .reader import DEFAULT_EXCLUDE_SCHEMAS, introspect

__all__ = ["DEFAULT_EXCLUDE_SCHEMAS", "introspect"]
