"""Every malformed spec in tests/specs/invalid/ must give the message a person can act on.

Each case is one file, ``NN_what_is_wrong.yaml`` (two digits, 01-99, then
three from 100), whose header comments say
what ``schemac validate`` must print for it:

    # expect: LINE:COL: path.in.spec: message     (one line per problem)
    # xfail: why schemac does not do it yet       (a known defect; strict)
    # strip-header                                (run on the file without
                                                    its header, e.g. to test
                                                    a truly empty file)

LINE and COL count the file as it is, header included (with ``strip-header``,
the file without its header). Expect the message a person needs; when
schemac prints something else, keep the expectation and add ``# xfail:``.

The test runs the real command line and checks: exit code 2, no Python
traceback, every expected problem printed as ``FILE:LINE:COL: path: message``,
and no problem printed that the case does not expect (all problems of a file
are reported at once, and nothing else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import main

CASES_DIR = Path(__file__).parent / "specs" / "invalid"
MIN_CASES = 40

_DIRECTIVE = re.compile(rb"^#\s*(expect|xfail|strip-header)\b:?\s?(.*?)\s*$")
_EXPECT = re.compile(r"^(\d+):(\d+): (.+?): (.+)$")
_PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): ")


@dataclass(frozen=True)
class Case:
    path: Path
    expected: tuple[str, ...]  # "LINE:COL: path: message", without the file name
    xfail: str | None
    strip_header: bool
    header_lines: int

    def spec_bytes(self) -> bytes:
        raw = self.path.read_bytes()
        if not self.strip_header:
            return raw
        return b"".join(raw.splitlines(keepends=True)[self.header_lines :])


def read_case(path: Path) -> Case:
    """The header directives of ``path``: leading ``# expect:`` / ``# xfail:`` / ``# strip-header`` lines."""
    expected: list[str] = []
    xfail = None
    strip = False
    count = 0
    for raw in path.read_bytes().splitlines():
        match = _DIRECTIVE.match(raw)
        if not match:
            break
        count += 1
        kind, value = match.group(1).decode(), match.group(2).decode("utf-8", errors="replace")
        if kind == "expect":
            if not _EXPECT.match(value):
                raise ValueError(f"{path.name}: malformed expectation {value!r}; write LINE:COL: path: message")
            expected.append(value)
        elif kind == "xfail":
            xfail = value or "known defect"
        else:
            strip = True
    return Case(path, tuple(expected), xfail, strip, count)


def _cases() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        case = read_case(path)
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        params.append(pytest.param(case, id=path.name, marks=marks))
    return params


def test_there_are_enough_cases() -> None:
    names = sorted(p.name for p in CASES_DIR.glob("*.yaml"))
    assert len(names) >= MIN_CASES, f"only {len(names)} malformed specs in {CASES_DIR}"
    for name in names:
        assert re.fullmatch(r"(\d{2}|[1-9]\d{2})_[a-z0-9_]+\.yaml", name), f"{name}: name it NN_what_is_wrong.yaml"
        assert read_case(CASES_DIR / name).expected, f"{name}: no '# expect:' line"
    numbers = [int(name.split("_", 1)[0]) for name in names]
    assert len(numbers) == len(set(numbers)), "two cases share a number"


@pytest.mark.parametrize("case", _cases())
def test_invalid_spec(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Run from the folder that holds the spec and name it as a user would,
    # so the messages start with the plain file name.
    if case.strip_header:
        (tmp_path / case.path.name).write_bytes(case.spec_bytes())
        monkeypatch.chdir(tmp_path)
    else:
        monkeypatch.chdir(case.path.parent)
    name = case.path.name

    result = CliRunner().invoke(main, ["validate", "--spec", name])

    output = result.output  # stdout and stderr, interleaved (click >= 8.2)
    assert "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"schemac crashed with {result.exception!r} instead of reporting the problem:\n{output}")
    assert result.exit_code == 2, (
        f"exit code {result.exit_code}, expected 2"
        + (" (schemac accepted this spec)" if result.exit_code == 0 else "")
        + f":\n{output}"
    )
    assert isinstance(result.exception, SystemExit)

    printed = [line for line in result.stderr.splitlines() if _PROBLEM_LINE.match(line)]
    wanted = [f"{name}:{expectation}" for expectation in case.expected]
    missing = [line for line in wanted if line not in printed]
    unexpected = [line for line in printed if line not in wanted]
    assert not missing and not unexpected, (
        "\nexpected but not printed:\n  "
        + "\n  ".join(missing or ["(none)"])
        + "\nprinted but not expected:\n  "
        + "\n  ".join(unexpected or ["(none)"])
        + f"\nfull output:\n{output}"
    )
