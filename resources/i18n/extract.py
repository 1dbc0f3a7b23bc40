"""Extract translatable strings from booth_console/app, booth_console/ui and the setup checks into a .ts file.

``self.tr("...")`` gets the enclosing class as context (as PySide6 does); ``_tr("...")`` and
``QtTr.tr("...")`` get the context their module passes to ``QCoreApplication.translate`` (every
module of ``booth_console/app/commands/`` uses ``Commands``, where ``N_("...")`` marks the
commands' titles);
``_t("...")`` (booth_console/setup_checks.py) gets ``SetupChecks``, the context the wizard renders in.
Translations come from ``zh_CN.py`` beside this script; ``pyside6-lrelease`` compiles the .qm.

Usage: python resources/i18n/extract.py   (from the repository root)
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODULE_CONTEXT = {"booth.py": "BoothService", "session.py": "Session",
                  "messages.py": "Messages", "dialogs.py": "Dialogs", "outbox.py": "PaymentOutbox",
                  "demo.py": "Demo", "receipt.py": "Receipt", "shifts.py": "Shifts",
                  "shift_report.py": "ShiftReport", "operator_reasons.py": "OperatorReasons"}
COMMANDS_DIR = ROOT / "booth_console/app/commands"


def _module_context(path: Path) -> str | None:
    if path.parent == COMMANDS_DIR:
        return "Commands"
    return MODULE_CONTEXT.get(path.name)


def extract() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted([*ROOT.glob("booth_console/app/*.py"), *COMMANDS_DIR.glob("*.py"),
                        *ROOT.glob("booth_console/ui/*.py"),
                        ROOT / "booth_console/setup_checks.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = str(path.relative_to(ROOT))

        def visit(node: ast.AST, cls: str | None, path: Path = path, rel: str = rel) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    visit(child, child.name)
                    continue
                if isinstance(child, ast.Call) and child.args and isinstance(child.args[0], ast.Constant) \
                        and isinstance(child.args[0].value, str):
                    f = child.func
                    ctx = None
                    if isinstance(f, ast.Attribute) and f.attr == "tr" and isinstance(f.value, ast.Name) \
                            and f.value.id == "self" and cls:
                        ctx = cls
                    elif isinstance(f, ast.Name) and f.id == "_tr":
                        ctx = _module_context(path)
                    elif isinstance(f, ast.Name) and f.id == "N_" and path.parent == COMMANDS_DIR:
                        ctx = "Commands"
                    elif isinstance(f, ast.Name) and f.id == "_t" and path.name == "setup_checks.py":
                        ctx = "SetupChecks"
                    elif isinstance(f, ast.Attribute) and f.attr == "tr" and isinstance(f.value, ast.Name) \
                            and f.value.id == "QtTr":
                        ctx = "Session"
                    if ctx:
                        lst = found.setdefault(ctx, [])
                        if child.args[0].value not in [s for s, _ in lst]:
                            lst.append((child.args[0].value, rel))
                visit(child, cls)

        visit(tree, None)
    return found


def main() -> int:
    spec = importlib.util.spec_from_file_location("zh", HERE / "zh_CN.py")
    assert spec and spec.loader
    zh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(zh)
    table: dict[str, str] = zh.TRANSLATIONS
    found = extract()
    missing = []
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
           '<TS version="2.1" language="zh_CN" sourcelanguage="en">']
    for ctx in sorted(found):
        out.append(f"<context>\n    <name>{ctx}</name>")
        for text, rel in found[ctx]:
            tr = table.get(text)
            if tr is None:
                missing.append(f"{ctx}: {text!r}")
            placeholders = set(re.findall(r"\{(\w+)", text))
            if tr is not None and placeholders != set(re.findall(r"\{(\w+)", tr)):
                raise SystemExit(f"placeholders differ for {text!r}")
            out.append("    <message>")
            out.append(f'        <location filename="../../{rel}"/>')
            out.append(f"        <source>{escape(text)}</source>")
            if tr is None:
                out.append('        <translation type="unfinished"></translation>')
            else:
                out.append(f"        <translation>{escape(tr)}</translation>")
            out.append("    </message>")
        out.append("</context>")
    out.append("</TS>")
    ts = HERE / "booth_console_zh_CN.ts"
    ts.write_text("\n".join(out) + "\n", encoding="utf-8")
    for m in missing:
        print("missing:", m)
    subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(HERE / "booth_console_zh_CN.qm")], check=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
