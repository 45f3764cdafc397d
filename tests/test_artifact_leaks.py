"""No real personal value in any artifact: a whole run on a customers table, every artifact scanned.

The run goes through the CLI (``synthesize --workspace ... --html ... --report ...``) on
``tests/data/customers.csv``; then the pages open the same workspace as a user would (Data,
Metadata, Compare, Export, SQL, Profile, via Streamlit's AppTest), and the downloads they offer
are made with the calls the pages make (extract as CSV, Parquet and Excel, the HTML report, the
reproducibility bundle). Every artifact is scanned (``tests/leak_scan.py``) for every real value
of the table's direct-identifier columns, named here from what the columns hold, not from what
the studio detects: a missed column fails too. Canaries check the scanner both ways.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from google.protobuf.json_format import MessageToJson
from streamlit.testing.v1 import AppTest

from components.state import StudioState
from components.workspace import open_workspace
from core.cli.main import main
from core.config import WORKSPACE_ENV
from core.export.bundle import export_bundle
from core.export.writers import export_bytes
from tests.data.make_customers import DIRECT
from tests.leak_scan import Leak, Needles, scan_bytes, scan_text

ROOT = Path(__file__).parents[1]
CUSTOMERS = ROOT / "tests" / "data" / "customers.csv"
TIMEOUT = 120


@dataclass
class Artifacts:
    """Everything a run left behind, by name: file bytes, text, or tables shown on a page."""

    files: dict[str, bytes] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def scan(self, needles: Needles) -> list[Leak]:
        leaks = [leak for n, data in self.files.items() for leak in scan_bytes(n, data, needles)]
        leaks += [
            leak for n, text in self.texts.items() for leak in scan_text(text, needles, artifact=n)
        ]
        leaks += [leak for n, frame in self.tables.items() for leak in needles.in_table(frame, n)]
        return leaks


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return pd.read_csv(CUSTOMERS, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def needles(real: pd.DataFrame) -> Needles:
    return Needles(real, list(DIRECT))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A CLI run on the customers table, its workspace kept for the pages."""
    out = tmp_path_factory.mktemp("leaks")
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["synthesize", str(CUSTOMERS), "--synthesizer", "gaussian_copula", "--rows", "400"]
    argv += ["--seed", "3", "--output", str(out / "extract.csv"), "--report"]
    argv += [str(out / "REPORT.json"), "--html", str(out / "report.html")]
    argv += ["--workspace", str(out / "workspace.duckdb")]
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(argv)
    (out / "cli.log").write_text(stdout.getvalue() + stderr.getvalue(), encoding="utf-8")
    assert code == 0, stderr.getvalue()
    yield out


@pytest.fixture(scope="module")
def artifacts(run_dir: Path) -> Iterator[Artifacts]:
    """Every artifact of the run: the CLI's files, the downloads and what each page shows."""
    found = Artifacts()
    for name in ("extract.csv", "REPORT.json", "report.html", "cli.log"):
        found.files[f"cli/{name}"] = (run_dir / name).read_bytes()
    workspace_path = run_dir / "workspace.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(WORKSPACE_ENV, str(workspace_path))
        st.cache_resource.clear()
        st.cache_data.clear()
        workspace = open_workspace(str(workspace_path))
        try:
            [dataset] = workspace.list_datasets()
            [run] = workspace.list_runs()
            _downloads(found, workspace, dataset.id, run.id)
            _pages(found, dataset.id, run.id)
        finally:
            st.cache_resource.clear()
            st.cache_data.clear()
            workspace.close()
    profiles = workspace_path.with_name(workspace_path.stem + ".profiles")
    for path in sorted(profiles.glob("*.html")):
        found.files[f"profile/{path.name}"] = path.read_bytes()
    yield found


def _downloads(found: Artifacts, workspace, dataset_id: int, run_id: int) -> None:
    """The files the Export, Compare and Runs pages hand out, made as they make them."""
    from components import compare

    dataset = workspace.get_dataset(dataset_id)
    for key in ("csv", "parquet", "xlsx"):
        chunks = workspace.synthetic_chunks(run_id, rows=10_000)
        found.files[f"export/extract.{key}"] = export_bytes(chunks, key)
    found.files["runs/bundle.zip"] = export_bundle(workspace, run_id)
    path = str(workspace.path)
    sdtypes = dataset.metadata.sdtypes
    found.files["compare/report.html"] = compare.report_html(
        path, dataset_id, run_id, sdtypes
    ).encode()


def _pages(found: Artifacts, dataset_id: int, run_id: int) -> None:
    """What the Data, Metadata, Compare, Export, Runs, SQL and Profile pages show.

    A page's tabs are all drawn in one run, so the Compare page's figures are all there.
    """
    for page in ("1_data", "2_metadata", "4_compare", "5_export", "6_runs"):
        at = _studio(dataset_id, run_id).switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, page
        _collect(found, at, page)
    at = _studio(dataset_id, run_id).switch_page("pages/8_sql.py")
    at.run()
    for query in ("SELECT * FROM data", "SELECT email, full_name FROM data"):
        at.text_area(key="sql.query").set_value(query)
        at.button(key="sql.run").click().run()
        assert not at.exception
        _collect(found, at, f"8_sql[{query}]")
    found.texts["8_sql.errors"] = " ".join(e.value for e in at.error)
    at = _studio(dataset_id, run_id).switch_page("pages/7_profile.py")
    for kind in ("real", "compare"):
        at.run()
        at.radio(key="profile.kind").set_value(kind).run()
        at.button(key="profile.build").click().run()
        assert not at.exception
        _collect(found, at, f"7_profile[{kind}]")


def _studio(dataset_id: int, run_id: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["studio.state"] = StudioState(dataset_id=dataset_id, run_id=run_id)
    return at


def _collect(found: Artifacts, at: AppTest, name: str) -> None:
    """Every element of a page: tables as tables, the rest as the JSON Streamlit sends."""
    texts: list[str] = []

    def walk(node, path: str) -> None:
        kind = getattr(node, "type", "")
        if kind in ("dataframe", "arrow_data_frame", "data_editor", "table"):
            found.tables[f"{name}/{path}"] = pd.DataFrame(node.value)
        elif getattr(node, "proto", None) is not None:
            texts.append(MessageToJson(node.proto))
        children = getattr(node, "children", None) or {}
        for key, child in children.items() if isinstance(children, dict) else enumerate(children):
            walk(child, f"{path}/{key}")

    walk(at._tree, "")
    found.texts[name] = "\n".join(texts)


# --- the run's artifacts -------------------------------------------------------------------


def test_every_artifact_was_made(artifacts: Artifacts) -> None:
    # Assert: the scan below reads what it should
    names = set(artifacts.files) | set(artifacts.texts) | set(artifacts.tables)
    for expected in ("cli/extract.csv", "export/extract.parquet", "export/extract.xlsx"):
        assert expected in names
    assert {"cli/report.html", "compare/report.html", "runs/bundle.zip"} <= names
    assert sum(n.startswith("profile/") for n in names) == 2
    assert any(n.startswith("8_sql[SELECT * FROM data]") for n in artifacts.tables)
    assert any(n.startswith("1_data/") for n in artifacts.tables)
    assert artifacts.texts["4_compare"].count('"spec"') >= 4  # columns, pairs, projection


def test_no_real_direct_identifier_in_any_artifact(artifacts: Artifacts, needles: Needles) -> None:
    # Run
    leaks = artifacts.scan(needles)

    # Assert
    assert leaks == [], f"{len(leaks)} real values found: " + "; ".join(map(str, leaks[:12]))


def test_the_extract_keeps_quasi_identifiers_and_fakes_in_the_real_shape(
    artifacts: Artifacts, real: pd.DataFrame
) -> None:
    # Setup
    extract = pd.read_csv(io.BytesIO(artifacts.files["cli/extract.csv"]), dtype=str)

    # Assert: quasi-identifiers are learned (real categories), direct ones are new values
    assert set(extract["gender"]) <= set(real["gender"])
    assert set(extract["state"]) <= set(real["state"])
    assert extract["customer_id"].is_unique
    assert extract["customer_id"].str.fullmatch(r"C1\d{5}").all()
    assert extract["phone"].str.fullmatch(r"\(\d{3}\) \d{3}-\d{4}").all()
    assert not extract["street_address"].str.contains("\n").any()
    assert extract["card_number"].str.len().eq(16).all()
    assert not extract["notes"].str.startswith("sdv-").any()


def test_sql_names_the_hidden_column_in_one_line(artifacts: Artifacts) -> None:
    # Assert
    message = artifacts.texts["8_sql.errors"]
    assert "'email' is a direct identifier" in message
    assert "\n" not in message


# --- the scanner itself --------------------------------------------------------------------


def test_canary_a_planted_real_value_is_caught_everywhere(
    artifacts: Artifacts, needles: Needles, real: pd.DataFrame
) -> None:
    # Setup: copies of clean artifacts, each with one real value planted the way a leak looks
    email, phone, name = real["email"][5], real["phone"][7], real["full_name"][9]
    first = real["first_name"][11]
    report = artifacts.files["cli/report.html"].decode()
    extract = pd.read_csv(io.BytesIO(artifacts.files["cli/extract.csv"]), dtype=str)
    planted_csv = extract.assign(plan=[email] + list(extract["plan"][1:]))
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("report.json", json.dumps({"label": phone}))
    figure = json.dumps({"data": [{"x": ["a", first], "type": "bar"}]})
    planted = {
        "report.html": report.replace("</body>", f"<td>{name}</td></body>").encode(),
        "extract.csv": planted_csv.to_csv(index=False).encode(),
        "bundle.zip": bundle.getvalue(),
    }

    originals = {
        "report.html": artifacts.files["cli/report.html"],
        "extract.csv": artifacts.files["cli/extract.csv"],
        "bundle.zip": b"PK\x05\x06" + b"\x00" * 18,  # an empty zip
    }

    # Run: what the plant adds to what the artifact held before
    found = {
        n: {leak.column for leak in scan_bytes(n, data, needles)}
        - {leak.column for leak in scan_bytes(n, originals[n], needles)}
        for n, data in planted.items()
    }
    in_figure = scan_text(figure, needles, artifact="figure")

    # Assert
    assert found == {
        "report.html": {"full_name"},
        "extract.csv": {"email"},
        "bundle.zip": {"phone"},
    }
    assert [leak.column for leak in in_figure] == ["first_name"]


def test_canary_values_that_are_not_a_persons_pass(needles: Needles, real: pd.DataFrame) -> None:
    # Setup: a quasi-identifier label, a first name inside a town's name, and a fake name
    first = real["first_name"][0]
    text = json.dumps({"x": [real["city"][0], f"Lake {first}"], "title": "Fake Person Zzyzx"})

    # Run
    leaks = scan_text(text, needles, artifact="figure")

    # Assert
    assert leaks == []
