"""The real data: reading a file, how it writes its values, what its columns are.

- Reading: ``ingest`` (a file into the workspace, reading options), ``csv_dialect``
  (delimiter, encoding, decimal commas), ``retype`` (types a user forces), ``demos`` and
  ``seed_demos`` (bundled tables).
- Writing it back alike: ``formats`` (each column's recorded spelling, pattern, places and
  missing marker), ``datetimes`` (date patterns), ``conform`` (synthetic rows with the real
  types).
- Understanding it: ``metadata`` (SDV types, keys, reasons, edits), personal data: ``pii`` and
  ``pii_values`` (direct identifiers found by names and values), ``personal`` (each column's
  role: direct identifier, quasi-identifier or not personal), ``roles`` (marking columns as
  faked, the locale of their fakes).
- Splitting and looking: ``holdout`` (the training / holdout split), ``profile``
  (ydata-profiling reports), ``sql`` (read-only queries on real and synthetic side by side).
"""
