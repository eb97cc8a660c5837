"""Run the rules over SQL and turn their hits into sorted, suppressed findings."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from collections.abc import Iterable

from schemac.gcpause import gc_paused
from schemac.lint.config import LintConfig
from schemac.lint.finding import Finding, Severity
from schemac.lint.fold import fold
from schemac.lint.registry import REGISTRY, Context, Rule, all_rules, get_rule
from schemac.lint.source import Source, Statement, SyntaxProblem, parse
from schemac.lint.subject import subject_of
from schemac.lint.suppress import Suppression, find_suppressions

SYNTAX_ERROR = "syntax-error"
UNUSED_SUPPRESSION = "unused-suppression"


def lint_sql(text: str, file: str = "<string>", config: LintConfig | None = None) -> list[Finding]:
    """Lint one SQL text; ``file`` is only used to label findings."""
    return lint_sources([Source(text, file)], config)


def lint_files(paths: Iterable[str | PathLike], config: LintConfig | None = None) -> list[Finding]:
    """Lint files as one sequence, in the order given (as if applied one after the
    other). A file that is not UTF-8 is reported as a syntax error; a file that
    cannot be read raises OSError."""
    sources = []
    for path in paths:
        data = Path(path).read_bytes()
        try:
            sources.append(Source(data.decode("utf-8"), str(path)))
        except UnicodeDecodeError as error:
            text = data[: error.start].decode("utf-8")
            sources.append(_Undecodable(text, str(path), f"file is not valid UTF-8: {error.reason}"))
    return lint_sources(sources, config)


class _Undecodable(Source):
    def __init__(self, text: str, file: str, reason: str):
        super().__init__(text, file)
        self.reason = reason


def lint_sources(sources: list[Source], config: LintConfig | None = None) -> list[Finding]:
    # The parsed trees are millions of small dicts that live until the end of the run.
    with gc_paused():
        return _lint(sources, config or LintConfig())


def _lint(sources: list[Source], config: LintConfig) -> list[Finding]:
    rules = enabled_rules(config)
    statements: list[Statement] = []
    problems: list[SyntaxProblem] = []
    suppressions: list[Suppression] = []
    for source in sources:
        if isinstance(source, _Undecodable):
            problems.append(SyntaxProblem(source, len(source.data), source.reason))
            continue
        parsed = parse(source)
        for stmt in parsed.statements:
            stmt.index = len(statements)
            statements.append(stmt)
        problems.extend(parsed.problems)
        suppressions.extend(find_suppressions(source, parsed.statements))

    context = Context(fold(statements, config.supabase), statements, config, frozenset(rule.name for rule in rules))
    # A suppression applies to its statement, to the statements about the same
    # object in its file, or (file-wide) to its whole file.
    by_owner: dict[object, list[Suppression]] = {}
    for suppression in suppressions:
        if suppression.file_wide:
            by_owner.setdefault(id(suppression.source), []).append(suppression)
        elif suppression.stmt is not None:
            by_owner.setdefault(id(suppression.stmt), []).append(suppression)
            subject = subject_of(suppression.stmt)
            if subject is not None:
                by_owner.setdefault((id(suppression.source), subject), []).append(suppression)
    findings: list[tuple[Source, int, Finding]] = []
    for rule in rules:
        if rule.name in (SYNTAX_ERROR, UNUSED_SUPPRESSION):
            continue
        for hit in rule.check(context):
            subject = subject_of(hit.stmt)
            candidates = (
                by_owner.get(id(hit.stmt), [])
                + by_owner.get(id(hit.stmt.source), [])
                + by_owner.get((id(hit.stmt.source), subject), [])
            )
            if not _suppressed(rule, candidates):
                findings.append(_finding(rule, hit.stmt.source, hit.offset, hit.message, config, hit.stmt, hit.hint))

    active = {rule.code for rule in rules}
    syntax = get_rule(SYNTAX_ERROR)
    if syntax.code in active:
        for problem in problems:
            findings.append(_finding(syntax, problem.source, problem.offset, problem.message, config))
    unused = get_rule(UNUSED_SUPPRESSION)
    if unused.code in active:
        for suppression in suppressions:
            for message in _unused(suppression, active):
                findings.append(_finding(unused, suppression.source, suppression.offset, message, config))

    order = {id(source): i for i, source in enumerate(sources)}
    findings.sort(key=lambda item: (order[id(item[0])], item[1], item[2].code, item[2].message))
    return [finding for _, _, finding in findings]


def enabled_rules(config: LintConfig) -> list[Rule]:
    def matches(rule: Rule, entries: tuple[str, ...]) -> bool:
        names = {rule.code.lower(), rule.name, *rule.aliases}
        return any(e.lower() in names or e.lower() == "all" or rule.code.lower().startswith(e.lower()) for e in entries)

    # A syntax error is reported whatever is selected: a file that does not parse
    # was not linted, and a narrow --select must not hide that. Only ignore drops it.
    return [
        r
        for r in all_rules()
        if (not config.select or r.name == SYNTAX_ERROR or matches(r, config.select)) and not matches(r, config.ignore)
    ]


def _suppressed(rule: Rule, suppressions: list[Suppression]) -> bool:
    """Is the rule suppressed by one of the suppressions that apply to a hit?
    Every one that names it is marked used: an object's suppression repeated on
    each of its statements is not "unused" on the statements the finding is not on."""
    found = False
    for suppression in suppressions:
        for written in suppression.rules:
            if written.lower() in (rule.code.lower(), rule.name, *rule.aliases):
                suppression.used.add(written)
                found = True
    return found


def _unused(suppression: Suppression, active: set[str]) -> list[str]:
    messages = []
    for written in suppression.rules:
        if written in suppression.used:
            continue
        known = REGISTRY.find(written)
        if known is None:
            messages.append(f"suppression names unknown rule {written!r}")
        elif known.code in active:
            where = "this file" if suppression.file_wide else "its statement"
            messages.append(f"suppression of {known.name} matches no finding in {where}")
    return messages


def _finding(
    rule: Rule,
    source: Source,
    offset: int,
    message: str,
    config: LintConfig,
    stmt: Statement | None = None,
    hint: str | None = None,
) -> tuple[Source, int, Finding]:
    severity = config.severity.get(rule.code) or config.severity.get(rule.name) or rule.severity
    line, column = source.position(offset)
    end_line, end_column = source.position(stmt.end) if stmt and stmt.end > offset else (line, column)
    finding = Finding(
        rule.code,
        rule.name,
        Severity(severity),
        source.file,
        line,
        column,
        end_line,
        end_column,
        message,
        hint or rule.hint,
    )
    return source, offset, finding
