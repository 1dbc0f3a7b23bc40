"""No Qt widgets below the UI: the listener, journal, transport, client, protocol and simulator
run headless (in the listener's thread, in tools, in the simulator process), and the app layer
drives widgets only through signals. The other import rules are import-linter contracts in
pyproject.toml, checked by `lint-imports` in CI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "booth_console"
HEADLESS = ["protocol", "listener", "journal", "transport", "client", "simulator", "app"]


def _modules(name: str) -> list[Path]:
    folder, module = PACKAGE / name, PACKAGE / f"{name}.py"
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [module] if module.is_file() else []


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("layer", HEADLESS)
def test_no_qt_widgets_below_the_ui(layer: str) -> None:
    modules = _modules(layer)
    assert modules, f"no modules found for {layer}"
    offenders = [f"{p.relative_to(PACKAGE.parent)} imports {name}"
                 for p in modules for name in sorted(_imports(p))
                 if name.startswith("PySide6.QtWidgets")]
    assert offenders == []
