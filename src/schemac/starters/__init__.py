"""The schema.yaml files ``schemac init`` starts a project with.

Each template is a complete, commented spec that builds, lints clean and
applies on PostgreSQL (tests/test_init.py proves it for each one). Its first
line points editors at ``schemac.schema.json``, which init writes beside it.
``schemac init --help`` describes each one.
"""

from __future__ import annotations

from importlib import resources

TEMPLATES = ("minimal", "supabase-saas", "vehicle-timeline", "citus-saas")
DEFAULT = "minimal"


def template_text(name: str) -> str:
    """The text of one template; ``KeyError`` for an unknown name."""
    if name not in TEMPLATES:
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
