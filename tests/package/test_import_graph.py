"""The package's import graph has no ring: no module reaches itself through its imports.

Built with grimp (which import-linter uses) from the installed source, counting imports made
only for type checking too: a ring through a type is still two modules that cannot be read,
moved or tested one without the other (issue 27).
"""

from __future__ import annotations

import sys

import pytest

grimp = pytest.importorskip("grimp")


def _rings(graph) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module, each sorted."""
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            ring = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                ring.append(member)
                if member == module:
                    break
            if len(ring) > 1:
                found.append(sorted(ring))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_reaches_itself_through_its_imports():
    graph = grimp.build_graph("stocktake", exclude_type_checking_imports=False)
    assert len(graph.modules) > 100  # the whole package was read, not an empty graph
    assert _rings(graph) == []


def test_the_ring_finder_finds_a_ring(tmp_path, monkeypatch):
    # A package of three modules in a ring and one outside it: the test above can fail.
    package = tmp_path / "ringed"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from ringed import b\n")
    (package / "b.py").write_text("from ringed import c\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from ringed import a\n")
    (package / "d.py").write_text("from ringed import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("ringed", exclude_type_checking_imports=False, cache_dir=None)
    assert _rings(graph) == [["ringed.a", "ringed.b", "ringed.c"]]
