"""The workspace: one DuckDB file holding datasets, their real tables, runs and synthetic tables.

- ``store``: :class:`~core.workspace.store.Workspace`, the connection and every read and write
  (one cursor per operation, so sessions and threads never share one).
- ``records``: what the file holds: its schema and migrations, the dataset and run records,
  the names of their tables.
"""
