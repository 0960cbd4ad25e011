"""The project's structure, checked from its source: layers, cycles, sizes, public APIs, names.

Imports are read with ``ast`` (:mod:`tests.unit.import_graph`), function-level ones included and
``if TYPE_CHECKING:`` blocks excluded. The rules:

- no import cycle between project modules (a package's ``__init__`` counts: importing
  ``bot.a.b`` runs ``bot/a/__init__.py``);
- in ``bot``, only ``bot.rasa_ext`` and ``bot.channels`` import Rasa, only
  ``bot.server.action_server`` imports rasa-sdk, and nothing imports ``actions``;
- runtime code never imports ``bot.demo``: only the demo itself, commands (``bot.cli``,
  ``bot.__main__``, ``bot.<package>.cli``) and developer tools (``bot.devtools``) may;
- no module in ``bot`` or ``actions`` is over 400 lines (migrations excepted);
- every package states its purpose (docstring) and public API (a literal ``__all__``); every
  name in ``__all__`` imports; code outside a package imports only what its ``__all__`` names;
- each user-facing feature has one name: ``bot/<name>/``, ``actions/<name>/``,
  ``data/nlu/<name>.yml`` and ``domain/<name>.yml``;
- the flow diagrams in ``docs/flows/`` name every question (slot) of their form.
"""
from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest

from bot.domain_files import load_domain_yaml
from tests.unit.import_graph import (
    ROOT,
    Import,
    ancestors,
    cycles,
    dependency_graph,
    imports_of,
    project_files,
    resolve,
)

MAX_MODULE_LINES = 400
FEATURES = ("identity", "accounts", "billing", "payments", "applications", "conversation", "privacy", "outages",
            "notify", "repairs")
RASA_ADAPTERS = ("bot.rasa_ext", "bot.channels")
RASA_SDK_ADAPTERS = ("bot.server.action_server",)
DEMO_USERS = ("bot.demo", "bot.cli", "bot.__main__", "bot.devtools")
FLOW_DIAGRAMS = {
    "rename_transfer_form": "docs/flows/rename_transfer.mmd",
    "new_install_form": "docs/flows/new_install.mmd",
}


@cache
def files() -> dict[str, Path]:
    return project_files()


@cache
def all_imports() -> list[Import]:
    return [found for name, path in files().items() for found in imports_of(name, path)]


def packages() -> list[str]:
    return sorted(name for name, path in files().items() if path.name == "__init__.py")


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``module`` is one of ``prefixes`` or inside one of them."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def top_level(target: str) -> str:
    return target.split(".")[0]


def where(found: Import) -> str:
    return f"{files()[found.importer].relative_to(ROOT)}:{found.line} imports {found.target}"


def declared_all(package: str) -> list[str] | None:
    """The package's ``__all__`` as written (a literal list or tuple of strings), or None."""
    tree = ast.parse(files()[package].read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            value = ast.literal_eval(node.value)
            return list(value) if isinstance(value, (list, tuple)) else None
    return None


def test_no_import_cycles() -> None:
    found = cycles(dependency_graph(files()))

    assert not found, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)


def test_only_the_rasa_adapters_import_rasa() -> None:
    offending = [
        where(found) for found in all_imports()
        if top_level(found.target) == "rasa"
        and top_level(found.importer) == "bot"
        and not within(found.importer, RASA_ADAPTERS)
    ]

    assert not offending, "Rasa imported outside bot.rasa_ext and bot.channels:\n" + "\n".join(offending)


def test_only_the_action_server_imports_rasa_sdk() -> None:
    offending = [
        where(found) for found in all_imports()
        if top_level(found.target) == "rasa_sdk"
        and top_level(found.importer) == "bot"
        and not within(found.importer, RASA_SDK_ADAPTERS)
    ]

    assert not offending, "rasa_sdk imported in bot outside the action server:\n" + "\n".join(offending)


def test_services_do_not_import_actions() -> None:
    offending = [
        where(found) for found in all_imports()
        if top_level(found.target) == "actions" and top_level(found.importer) == "bot"
    ]

    assert not offending, "bot imports actions:\n" + "\n".join(offending)


def test_runtime_code_does_not_import_the_demo() -> None:
    def may_use_demo(module: str) -> bool:
        return within(module, DEMO_USERS) or module.rsplit(".", 1)[-1] == "cli"

    offending = [
        where(found) for found in all_imports()
        if within(found.target, ("bot.demo",)) and not may_use_demo(found.importer)
    ]

    assert not offending, "runtime code imports bot.demo:\n" + "\n".join(offending)


def test_modules_are_small() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for name, path in files().items()
        if not within(name, ("bot.db.migrations",))
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }

    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_every_package_states_its_purpose_and_public_api() -> None:
    problems = []
    for package in packages():
        source = files()[package].read_text(encoding="utf-8")
        if not ast.get_docstring(ast.parse(source)):
            problems.append(f"{package}: no docstring")
        names = declared_all(package)
        if names is None:
            problems.append(f"{package}: no literal __all__")
        elif len(set(names)) != len(names) or not all(isinstance(name, str) for name in names):
            problems.append(f"{package}: __all__ has duplicates or non-strings: {names}")

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("package", packages())
def test_every_public_name_imports(package: str) -> None:
    module = importlib.import_module(package)
    missing = []
    for name in declared_all(package) or []:
        if not hasattr(module, name) and f"{package}.{name}" not in files():
            missing.append(name)
        elif not hasattr(module, name):
            importlib.import_module(f"{package}.{name}")

    assert not missing, f"{package}.__all__ names what does not exist: {missing}"


def test_other_packages_import_only_the_public_api() -> None:
    """``from bot.accounts.binding import bind`` from outside bot.accounts needs "binding" in
    ``bot.accounts.__all__``; ``from bot.db.models import User`` needs "User" in its ``__all__``."""
    public = {package: declared_all(package) for package in packages()}
    offending = []
    for found in all_imports():
        target = resolve(found.target, files())
        if target is None:
            continue
        parts = found.target.split(".")
        for package in ancestors(found.target):
            names = public.get(package)
            if names is None or within(found.importer, (package,)):
                continue
            following = parts[len(package.split("."))]
            if following not in names:
                offending.append(f"{where(found)}: {following!r} is not in {package}.__all__")

    assert not offending, "imports of what a package does not make public:\n" + "\n".join(offending)


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_has_one_name_everywhere(feature: str) -> None:
    expected = [
        f"bot/{feature}/__init__.py",
        f"actions/{feature}/__init__.py",
        f"data/nlu/{feature}.yml",
        f"domain/{feature}.yml",
    ]

    missing = [path for path in expected if not (ROOT / path).is_file()]

    assert not missing, f"feature {feature!r} is missing {missing}"


@pytest.mark.parametrize(("form", "diagram"), sorted(FLOW_DIAGRAMS.items()))
def test_a_flow_diagram_names_every_question_of_its_form(form: str, diagram: str) -> None:
    questions = load_domain_yaml()["forms"][form]["required_slots"]
    drawn = (ROOT / diagram).read_text(encoding="utf-8")

    missing = [slot for slot in questions if not re.search(rf"\b{re.escape(slot)}\b", drawn)]

    assert not missing, f"{diagram} does not show {form}'s questions {missing}"
