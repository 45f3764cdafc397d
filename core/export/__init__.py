"""What leaves the studio.

- ``writers``: the export formats (CSV, Parquet, Excel) written in the input's formats, a
  batch at a time; ``safe_cells``: formula-safe cells for spreadsheets.
- ``report`` and ``report_figures``: the self-contained stakeholder HTML report.
- ``bundle``: the reproducibility bundle (a zip anyone can rerun with plain SDV).
"""
