"""schemac: a schema-as-code compiler for PostgreSQL and Supabase."""

__version__ = "0.1.0"
