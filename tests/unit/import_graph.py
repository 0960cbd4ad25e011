"""The project's import graph, read from the source with ``ast`` (nothing is imported).

Every import statement counts, function-level ones included (a function-level import once
hid a cycle); only the bodies of ``if TYPE_CHECKING:`` are skipped, since they never run.
Used by ``test_architecture.py``.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("bot", "actions")


@dataclass(frozen=True)
class Import:
    """One import statement's target as written (absolute), and where it is."""

    importer: str
    target: str
    line: int


def module_name(path: Path, root: Path = ROOT) -> str:
    """``bot/accounts/binding.py`` → ``bot.accounts.binding``; a package's ``__init__`` → the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project packages by its dotted name."""
    files: dict[str, Path] = {}
    for package in PROJECT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            files[module_name(path, root)] = path
    return files


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_nodes(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node that can run, leaving out the bodies of ``if TYPE_CHECKING:``."""
    for node in nodes:
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield node.test
            yield from _runtime_nodes(node.orelse)
        else:
            yield from _runtime_nodes(ast.iter_child_nodes(node))


def _absolute_base(module: str, is_package: bool, level: int, base: str | None) -> str:
    """The absolute module a relative ``from`` import starts from."""
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    if level > 1:
        anchor = anchor[: len(anchor) - (level - 1)]
    return ".".join([*anchor, base] if base else anchor)


def imports_of(module: str, path: Path) -> list[Import]:
    """What one module imports: ``from a import b`` gives ``a.b`` (resolved later to ``a`` when
    ``b`` is not a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node in _runtime_nodes(tree.body):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _absolute_base(module, is_package, node.level, node.module)
            found += [
                Import(module, f"{base}.{alias.name}" if alias.name != "*" else base, node.lineno)
                for alias in node.names
            ]
    return found


def resolve(target: str, modules: Iterable[str]) -> str | None:
    """The project module that an import target runs: the longest known prefix, or None."""
    known = set(modules)
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def ancestors(module: str) -> list[str]:
    """``a.b.c`` → ``["a", "a.b"]``: the packages Python initialises before the module."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def dependency_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """Module → project modules it makes run: its import targets, and their packages'
    ``__init__`` except the importer's own (those are already running when it runs)."""
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        own = set(ancestors(name))
        for imported in imports_of(name, path):
            target = resolve(imported.target, files)
            if target is None:
                continue
            runs = {target, *ancestors(target)} - own - {name}
            graph[name] |= {module for module in runs if module in files}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle path (first module repeated at the end) per strongly connected component."""
    found: list[list[str]] = []
    for component in _strongly_connected(graph):
        if len(component) > 1:
            found.append(_cycle_through(min(component), component, graph))
    return found


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred modules deep at most)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def _cycle_through(start: str, component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from ``start`` back to itself inside its component (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for successor in sorted(graph[node] & component):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if successor not in came_from:
                    came_from[successor] = node
                    following.append(successor)
        frontier = following
    raise AssertionError(f"{start} is in a component without a cycle")
