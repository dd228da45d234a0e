"""The structure the code promises (docs/architecture.md): transition tables whose guards and
effects are callables of the owning app's guards/effects modules, every state reachable only
through a transition, a core that imports no feature app, no import cycle, no module past 400
lines."""

import ast
import inspect
from pathlib import Path

import pytest

from applications import effects as application_effects
from applications import guards as application_guards
from applications.states import State
from applications.workflow import TRANSITIONS, Transition
from grants import effects as grant_effects
from grants import guards as grant_guards
from grants.models import Agreement, Instalment, Report
from grants.workflow import AGREEMENT_TRANSITIONS, INSTALMENT_TRANSITIONS, REPORT_TRANSITIONS
from reviews import effects as review_effects
from reviews.models import Assignment, Consensus, Review
from reviews.workflow import ASSIGNMENT_TRANSITIONS, CONSENSUS_TRANSITIONS, DECISIONS, REVIEW_TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
FEATURE_APPS = {"actions", "waves", "applications", "reviews", "pilotage", "accounts", "pages", "grants"}
CORE = "cma_portal"
APPS = FEATURE_APPS | {CORE}

TABLES = {
    "applications.workflow.TRANSITIONS": (TRANSITIONS, {application_guards}, {application_effects}),
    "reviews.workflow.DECISIONS": (DECISIONS, {application_guards}, {review_effects}),
    "reviews.workflow.ASSIGNMENT_TRANSITIONS": (ASSIGNMENT_TRANSITIONS, set(), {review_effects}),
    "reviews.workflow.REVIEW_TRANSITIONS": (REVIEW_TRANSITIONS, set(), {review_effects}),
    "reviews.workflow.CONSENSUS_TRANSITIONS": (CONSENSUS_TRANSITIONS, set(), {review_effects}),
    "grants.workflow.AGREEMENT_TRANSITIONS": (AGREEMENT_TRANSITIONS, {grant_guards}, {grant_effects}),
    "grants.workflow.REPORT_TRANSITIONS": (REPORT_TRANSITIONS, {grant_guards}, {grant_effects}),
    "grants.workflow.INSTALMENT_TRANSITIONS": (INSTALMENT_TRANSITIONS, {grant_guards}, {grant_effects}),
}


@pytest.mark.parametrize("table_name", TABLES)
def test_every_guard_and_effect_is_a_callable_of_the_apps_guards_and_effects_modules(table_name):
    table, guard_modules, effect_modules = TABLES[table_name]
    assert table
    for name, transition in table.items():
        assert isinstance(transition, Transition) and transition.name == name
        if transition.guard is not None:
            assert callable(transition.guard)
            assert inspect.getmodule(transition.guard) in guard_modules, (name, transition.guard)
        for effect in transition.effects:
            assert callable(effect), (name, effect)
            assert inspect.getmodule(effect) in effect_modules, (name, effect)
            assert list(inspect.signature(effect).parameters) == ["application", "actor", "note", "data"] or (
                list(inspect.signature(effect).parameters)[1:] == ["actor", "note", "data"]
            )


@pytest.mark.parametrize(
    "states, initial, tables",
    [
        (State.values, {State.LI_DRAFT}, [TRANSITIONS, DECISIONS]),
        (Assignment.State.values, {Assignment.State.PENDING}, [ASSIGNMENT_TRANSITIONS]),
        (Review.State.values, {Review.State.DRAFT}, [REVIEW_TRANSITIONS]),
        (Consensus.State.values, {Consensus.State.DRAFT}, [CONSENSUS_TRANSITIONS]),
        (Agreement.State.values, {Agreement.State.IN_PREPARATION}, [AGREEMENT_TRANSITIONS]),
        (Report.State.values, {Report.State.DRAFT}, [REPORT_TRANSITIONS]),
        (Instalment.State.values, {Instalment.State.PLANNED}, [INSTALMENT_TRANSITIONS]),
    ],
)
def test_every_state_is_reached_by_a_transition_from_the_initial_state(states, initial, tables):
    rows = [t for table in tables for t in table.values()]
    assert {t.target for t in rows} | set(initial) == set(states), "a state no transition reaches"
    reached, frontier = set(initial), set(initial)
    while frontier:
        frontier = {t.target for t in rows if set(t.sources) & frontier} - reached
        reached |= frontier
    assert reached == set(states)


def _python_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in APPS and "migrations" not in parts:
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module imported anywhere in the file (top level or inside functions)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in _python_files()}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_core_imports_no_feature_app():
    offenders = [
        (path.relative_to(ROOT).as_posix(), module)
        for path in _python_files()
        if path.relative_to(ROOT).parts[0] == CORE
        for module in _imports(path)
        if module.split(".")[0] in FEATURE_APPS
    ]
    assert offenders == []


def test_no_import_cycle_between_modules():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    # A package importing its own submodules is not a cycle of meaning.
    cycles = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert cycles == []


def test_no_import_cycle_between_apps():
    edges = {
        (a.split(".")[0], b.split(".")[0])
        for a, targets in _graph().items()
        for b in targets
        if a.split(".")[0] != b.split(".")[0]
    }
    cyclic = sorted((a, b) for a, b in edges if (b, a) in edges)
    assert cyclic == []


def test_no_module_over_400_lines():
    long = {
        path.relative_to(ROOT).as_posix(): n
        for path in _python_files()
        if (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}


def test_no_decorator_registry_or_string_named_guard_remains():
    text = "\n".join(p.read_text() for p in _python_files())
    for needle in ("on_transition", "SIDE_EFFECTS", "GUARDS["):
        assert needle not in text
