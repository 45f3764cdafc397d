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


# The wings of core/, bottom first: each may import only the foundation and wings before it.
WINGS = ("workspace", "data", "synth", "evaluate", "privacy", "export", "runs", "cli")
FOUNDATION = {"config", "errors", "progress", "frames", "meta", "formatting"}


def _core_imports(path):
    return [name for name in _imports(path) if name.startswith("core.")]


def test_core_is_the_foundation_and_its_wings():
    # Setup
    top = {p.stem for p in (ROOT / "core").glob("*.py")} - {"__init__"}
    folders = {p.name for p in (ROOT / "core").iterdir() if p.is_dir() and p.name != "__pycache__"}

    # Assert
    assert top == FOUNDATION
    assert folders == set(WINGS)


def test_wings_only_import_down():
    # Setup
    files = sorted((ROOT / "core").rglob("*.py"))

    # Run
    upward = []
    for path in files:
        parts = path.relative_to(ROOT / "core").parts
        rank = WINGS.index(parts[0]) if len(parts) > 1 else -1
        for name in _core_imports(path):
            target = name.split(".")[1]
            if target in FOUNDATION:
                assert len(parts) > 1 or target != path.stem
                continue
            if WINGS.index(target) > rank:
                upward.append(f"{path.relative_to(ROOT)} imports {name}")

    # Assert
    assert upward == []


def test_the_foundation_imports_no_wing():
    # Run
    found = [
        f"{path.name} imports {name}"
        for path in (ROOT / "core").glob("*.py")
        for name in _core_imports(path)
        if name.split(".")[1] not in FOUNDATION
    ]

    # Assert
    assert found == []
