"""core/ stays UI-free: no module in it may import streamlit."""

import ast

from tests.conftest import ROOT


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_core_never_imports_streamlit():
    # Setup
    files = sorted((ROOT / "core").rglob("*.py"))
    # Run
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in _imports(path)
        if name == "streamlit" or name.startswith("streamlit.")
    ]
    # Assert
    assert files, "core/ has no modules"
    assert offenders == []
