"""House rules that a test can hold: the core never imports Qt or the console."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt_or_widgets() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & {"PySide6", "widgets", "qasync"})
        for path in (ROOT / "app").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_drivers_never_import_widgets() -> None:
    for path in (ROOT / "drivers").rglob("*.py"):
        assert not _imports(path) & {"PySide6", "widgets"}, path


def test_headless_cli_runs_without_loading_qt(tmp_path: Path) -> None:
    code = (
        "import sys, widgets.launcher as l\n"
        "rc = l.main(['--data-dir', sys.argv[1], 'audit', 'verify'])\n"
        "assert 'PySide6' not in sys.modules, 'Qt was loaded for a headless verb'\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "監査ログに問題はありません" in result.stdout
