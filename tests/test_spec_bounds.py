"""Hostile YAML is refused quickly and in little memory; aliases within bounds still work.

schemac reads specs from pull requests, so a file is input from anyone. The
loader follows aliases (a spec may share a list of grants with ``&grants`` and
``*grants``) but bounds what they expand to, how deep the document nests, and
refuses an alias into a node that contains it.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from schemac.errors import SpecError
from schemac.pipeline import compile_text
from schemac.spec.loader import load_text


def _laughs(levels: int) -> str:
    lines = ["version: 1", 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_laughs(9), id="billion-laughs"),
        pytest.param(_laughs(30), id="laughs-30-levels"),
        pytest.param("version: 1\ntables: &t\n  x: *t\n", id="alias-to-itself"),
        pytest.param("version: 1\ntables: " + "[" * 900 + "]" * 900 + "\n", id="lists-900-deep"),
        pytest.param("version: 1\ntables: " + "{a: " * 500 + "1" + "}" * 500 + "\n", id="maps-500-deep"),
        pytest.param("version: 1\ntables: " + "[" * 5000 + "\n", id="unclosed-5000-deep"),
    ],
)
def test_hostile_yaml_is_refused_quickly_in_little_memory(text: str) -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(SpecError) as caught:
            load_text(text)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 5, f"took {elapsed:.1f}s"
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    [problem] = caught.value.problems
    assert problem.line >= 2 and problem.column >= 1


def test_aliases_within_bounds_share_a_list() -> None:
    spec = """\
version: 1
roles: [reader]
tables:
  a:
    columns: {id: {type: int, primary_key: true}}
    grants: &readable [{to: reader, privileges: [select]}]
  b:
    columns: {id: {type: int, primary_key: true}}
    grants: *readable
"""
    catalog = compile_text(spec).catalog
    assert [t.grants for t in catalog.tables][0] == [t.grants for t in catalog.tables][1]
    assert catalog.tables[1].grants[0].roles == ("reader",)
