"""``python -m core.cli constraints``, and reading the rules a ``RULES.json`` file holds.

:func:`run_constraints` prints the rules found in a table (JSON in SDV's names, or one line per
rule); :func:`read_rules` reads the rules ``synthesize --constraints`` attaches, one line when
the file is not a list of rules.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from core.cli.args import read_options
from core.data.ingest import ingest_file
from core.data.rule_suggestions import suggest_rules, suggestion_rows
from core.data.rule_words import describe_rule
from core.data.rules import parse_rules
from core.errors import InvalidParameterError, NotFoundError
from core.runs.pipeline import ensure_metadata
from core.workspace.store import Workspace


def read_rules(path: Path) -> list[dict[str, Any]]:
    """The rules of a ``RULES.json`` file, checked for shape; one line when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise NotFoundError(f"Cannot read rules file {path}: {err.strerror or err}.") from err
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidParameterError(
            f"{path.name} is not JSON ({err.msg} at line {err.lineno}); write a list of rules."
        ) from err
    return parse_rules(items)


def run_constraints(args: argparse.Namespace) -> None:
    """Print the rules found in a table: JSON in SDV's names, or one line per rule."""
    with tempfile.TemporaryDirectory(prefix="synth-studio-") as tmp:
        workspace = Workspace(Path(tmp) / "workspace.duckdb")
        try:
            dataset = ingest_file(workspace, args.input, options=read_options(args))
            real = workspace.read_real(dataset.id)
            metadata = ensure_metadata(workspace, dataset, pii=args.pii == "detect", real=real)
        finally:
            workspace.close()
    found = suggest_rules(real, metadata)
    if args.json:
        print(json.dumps(suggestion_rows(found), indent=2, allow_nan=False))
        return
    if not found:
        print("no rules found")
    for item in found:
        state = "holds" if item.holds else f"broken by {item.breaking_rows:,}"
        why = f" ({item.why})" if item.why else ""
        print(f"{describe_rule(item.rule)}{why}: {item.support_rows:,} rows keep it, {state}")
