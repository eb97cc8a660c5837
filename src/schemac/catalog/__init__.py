"""The catalog: one model of a database, produced from the spec (and, later, from a live database)."""
