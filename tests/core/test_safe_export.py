"""Formula injection: exported CSV and Excel files hold no cell a spreadsheet would run."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.export.safe_cells import ESCAPE, TRIGGERS, escape_cell, safe_csv_bytes, safe_excel_bytes

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def tricky() -> pd.DataFrame:
    """Formula-like text next to real numbers, negative ones included."""
    n = len(FORMULAS)
    return pd.DataFrame(
        {
            "text": FORMULAS,
            "amount": [-3.5, 2.0, -1.0, 0.25, 10.0, -0.5][:n],
            "count": list(range(-3, n - 3)),
            "mixed": ["-3.5", "plain", "-7", "+4", "=1+1", None][:n],
            "=cmd|' /C calc'!A0": ["a"] * n,
        }
    )


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_csv_formulas_come_out_inert(tricky: pd.DataFrame) -> None:
    # Run
    back = _read_csv(safe_csv_bytes(tricky))

    # Assert
    assert back["text"].tolist() == [ESCAPE + f for f in FORMULAS]
    assert back["mixed"].tolist() == ["-3.5", "plain", "-7", "+4", "'=1+1", ""]
    assert list(back.columns)[-1] == "'=cmd|' /C calc'!A0"
    numbers = pd.read_csv(io.BytesIO(safe_csv_bytes(tricky)))
    assert numbers["amount"].tolist() == tricky["amount"].tolist()
    assert numbers["count"].tolist() == tricky["count"].tolist()
    assert pd.api.types.is_float_dtype(numbers["amount"])


def test_excel_formulas_come_out_as_strings(tricky: pd.DataFrame) -> None:
    # Run
    sheet = load_workbook(io.BytesIO(safe_excel_bytes(tricky))).active
    rows = list(sheet.iter_rows())

    # Assert
    header, body = rows[0], rows[1:]
    assert header[-1].value == "'=cmd|' /C calc'!A0" and header[-1].data_type == "s"
    for cell, formula in zip((row[0] for row in body), FORMULAS, strict=True):
        assert cell.data_type == "s"
        # XML reads a stored carriage return back as a newline.
        assert cell.value == ESCAPE + formula.replace("\r", "\n")
    for row, amount, count in zip(body, tricky["amount"], tricky["count"], strict=True):
        assert row[1].data_type == "n" and row[1].value == amount
        assert row[2].data_type == "n" and row[2].value == count
    assert [row[3].value for row in body] == ["-3.5", "plain", "-7", "+4", "'=1+1", None]
    assert all(cell.data_type != "f" for row in rows for cell in row)


def test_excel_keeps_dates_booleans_and_drops_illegal_characters() -> None:
    # Setup: a control character in front of "=" must not uncover a formula.
    df = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-02", None]),
            "ok": [True, False],
            "note": ["\x01=1", "bell\x07"],
            "score": [np.nan, 1.5],
        }
    )

    # Run
    sheet = load_workbook(io.BytesIO(safe_excel_bytes(df))).active
    body = list(sheet.iter_rows(min_row=2, values_only=True))

    # Assert
    assert body[0][0].year == 2024 and body[1][0] is None
    assert [row[1] for row in body] == [True, False]
    assert [row[2] for row in body] == ["'=1", "bell"]
    assert [row[3] for row in body] == [None, 1.5]


def test_escape_cell() -> None:
    # Run / Assert
    assert escape_cell("=1") == "'=1"
    assert escape_cell("-3.5") == "-3.5"
    assert escape_cell("-1e5") == "-1e5"
    assert escape_cell("-") == "'-"
    assert escape_cell("a=1") == "a=1"
    assert escape_cell(-3.5) == -3.5
    assert escape_cell(None) is None


_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
        min_size=1,
        max_size=5,
    )
)
def test_csv_cells_never_start_with_a_trigger_unless_escaped(cells: list[str]) -> None:
    # Setup
    df = pd.DataFrame({"cell": cells})

    # Run
    back = _read_csv(safe_csv_bytes(df))["cell"].tolist()

    # Assert
    assert len(back) == len(cells)
    for original, read in zip(cells, back, strict=True):
        triggered = (
            original.startswith(TRIGGERS)
            and not pd.Series([original]).str.fullmatch(_NUMBER).iloc[0]
        )
        if triggered:
            assert read == ESCAPE + original
        else:
            assert read == original
        assert not read.startswith(TRIGGERS) or pd.Series([read]).str.fullmatch(_NUMBER).iloc[0]
