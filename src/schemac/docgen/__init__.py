"""Documents generated from the spec language and from a compiled spec.

- :mod:`.spec_schema`: the JSON Schema of schema.yaml, for editors.
- :mod:`.markdown`: Markdown with a Mermaid ER diagram of one compiled spec.
- :mod:`.commands`: the reference of every ``schemac`` command, from click's help.

Nothing here prints or exits; every generator returns text, and the same
input always gives the same bytes, so the output can be committed and checked.
"""
