"""One lint rule per module, named ``sc<code>_<name>.py``; importing a module
registers its rule (see :func:`schemac.lint.registry.all_rules`).

Families: SC0xx engine, SC1xx integrity, SC2xx security, SC3xx performance,
SC4xx consistency, SC5xx migration hazards.
"""
