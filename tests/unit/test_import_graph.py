"""The import reader behind test_architecture.py, on small packages written for the test: what it
finds is what Python would run."""
from __future__ import annotations

from pathlib import Path

from tests.unit.import_graph import cycles, dependency_graph, imports_of, module_name


def write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    """The files under ``root``, by module name."""
    written = {}
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        written[module_name(path, root)] = path
    return written


def targets(module: str, path: Path) -> list[str]:
    return [found.target for found in imports_of(module, path)]


def test_function_level_imports_count_and_type_checking_ones_do_not(tmp_path: Path) -> None:
    files = write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.hidden import Thing\n"
        "else:\n"
        "    import pkg.runtime\n"
        "def later():\n"
        "    from pkg.b import value\n"
        "    return value\n"
    )})

    assert targets("pkg.a", files["pkg.a"]) == ["typing.TYPE_CHECKING", "pkg.runtime", "pkg.b.value"]


def test_relative_imports_resolve_against_the_package(tmp_path: Path) -> None:
    files = write(tmp_path, {
        "pkg/__init__.py": "from . import a\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "from .d import x\nfrom ..a import y\n",
    })

    assert targets("pkg", files["pkg"]) == ["pkg.a"]
    assert targets("pkg.sub.c", files["pkg.sub.c"]) == ["pkg.sub.d.x", "pkg.a.y"]


def test_a_cycle_through_a_function_level_import_is_reported_with_its_path(tmp_path: Path) -> None:
    files = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import f\n",
        "pkg/b.py": "def f():\n    from pkg.c import g\n",
        "pkg/c.py": "import pkg.a\n",
        "pkg/d.py": "from pkg.a import f\n",
    })

    assert cycles(dependency_graph(files)) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_an_eager_package_init_closes_a_cycle(tmp_path: Path) -> None:
    """``import one.a`` runs ``one/__init__.py``: a re-export there is part of the graph."""
    files = write(tmp_path, {
        "one/__init__.py": "from one.a import thing\n",
        "one/a.py": "from two.b import other\n",
        "two/__init__.py": "",
        "two/b.py": "from one.c import third\n",
        "one/c.py": "",
    })

    assert cycles(dependency_graph(files)) == [["one", "one.a", "two.b", "one"]]


def test_no_cycle_without_one(tmp_path: Path) -> None:
    files = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import f\n",
        "pkg/b.py": "import json\n",
    })

    assert cycles(dependency_graph(files)) == []
