"""The workspace: one DuckDB file holding datasets, their real tables, runs and synthetic tables.

- ``store``: :class:`~core.workspace.store.Workspace`, the one class callers use, and deleting
  datasets and runs. Its parts: ``connection`` (opening the file, one cursor per operation, so
  sessions and threads never share one, transactions, migrations), ``datasets`` (adding and
  finding datasets), ``run_records`` (reading runs, their names, notes and scores),
  ``run_life`` (a run started, then done with its rows or failed) and ``tables`` (reading real
  and synthetic tables back).
- ``records``: what the file holds: its schema and migrations, the dataset and run records,
  the names of their tables.
"""
