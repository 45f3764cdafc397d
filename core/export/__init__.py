"""What leaves the studio.

- ``writers``: the export formats (CSV, Parquet, Excel) written in the input's formats, a
  batch at a time; ``safe_cells``: formula-safe cells for spreadsheets.
- ``report`` and ``report_figures``: the self-contained stakeholder HTML report.
- ``bundle``: the reproducibility bundle (a zip anyone can rerun with plain SDV), packed from
  ``bundle_contents`` (``run.json``, the protections, the fitted metadata), ``bundle_script``
  (the standalone ``reproduce.py``) and ``bundle_readme`` (its README).
"""
