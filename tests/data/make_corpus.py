"""Write the awkward-file corpus into tests/data/corpus (run again to regenerate it).

Each file is small; the zip bomb is built at test time (tests/core/test_corpus.py) so the repo
does not carry it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent / "corpus"


def _frame(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "amount": rng.normal(100, 20, n).round(2),
            "count": rng.integers(0, 9, n),
            "city": rng.choice(["Lyon", "Oslo", "Lima"], n),
        }
    )


def build() -> None:
    HERE.mkdir(exist_ok=True)
    df = _frame()
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "header_only.csv").write_text("a,b,c\n")
    (HERE / "one_column.csv").write_text("x\n" + "\n".join(str(i) for i in range(30)) + "\n")
    df.to_csv(HERE / "semicolon.csv", sep=";", index=False)
    df.to_csv(HERE / "tab.tsv", sep="\t", index=False)
    df.to_csv(HERE / "decimal_comma.csv", sep=";", decimal=",", index=False)
    (HERE / "quoted_newlines.csv").write_text(
        'id,note\n1,"first line\nsecond line"\n2,"plain"\n3,"a ""quoted"" word"\n'
    )
    (HERE / "ragged.csv").write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n9\n")
    (HERE / "utf8_bom.csv").write_bytes("\ufeffname,value\nJosé,1\nZoë,2\n".encode())
    (HERE / "latin1.csv").write_bytes("name,value\nJosé,1\nMüller,2\n".encode("latin-1"))
    (HERE / "utf16.csv").write_bytes("name,value\nJosé,1\nMüller,2\n".encode("utf-16"))
    (HERE / "mixed_types.csv").write_text("v,w\n1,a\ntwo,b\n3.5,c\n,d\n")
    (HERE / "date_formats.csv").write_text(
        "iso,dmy,text\n2024-01-05,05/01/2024,Jan 5 2024\n2024-02-10,10/02/2024,Feb 10 2024\n"
        "2024-03-15,15/03/2024,Mar 15 2024\n"
    )
    (HERE / "null_and_constant.csv").write_text(
        "empty,same,x\n" + "".join(f",k,{i}\n" for i in range(20))
    )
    (HERE / "duplicate_blank_names.csv").write_text("a,a,,b\n1,2,3,4\n5,6,7,8\n")
    (HERE / "odd_names.csv").write_text(
        '"say ""hi""",select,from,🙂 emoji,"semi;colon"\n1,2,3,4,5\n6,7,8,9,10\n'
    )
    wide = pd.DataFrame(np.arange(10 * 520).reshape(10, 520), columns=[f"c{i}" for i in range(520)])
    wide.to_csv(HERE / "wide.csv", index=False)
    pd.DataFrame({"text": [f"unique text value {i} {i * 7919}" for i in range(3000)]}).to_csv(
        HERE / "high_cardinality.csv", index=False
    )
    (HERE / "not_a_table.json").write_text('{"just": "an object", "nested": {"a": [1, 2]}}')
    (HERE / "scalar.json").write_text('"just a string"')
    good = io.BytesIO()
    df.to_parquet(good)
    (HERE / "truncated.parquet").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    df.to_parquet(HERE / "parquet_named.csv")  # extension lies: content is Parquet
    (HERE / "csv_named.parquet").write_text("a,b\n1,2\n")  # extension lies the other way
    with zipfile.ZipFile(HERE / "broken.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    df.to_excel(HERE / "good.xlsx", index=False)


if __name__ == "__main__":
    build()
