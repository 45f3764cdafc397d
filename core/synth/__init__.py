"""Making synthetic rows.

- ``registry``: the synthesizers offered (data, not if/else), their parameter forms, fitting
  with progress and stop, seeding.
- ``dp``: the differentially private MST synthesizer.
- ``training_sample``: the stratified sample big tables fit on, and the fit estimate.
- ``sampling``: rows drawn in batches into the workspace or Parquet, never all in memory.
- ``shards``: a big extract in seeded shards, in this process or on Dask.
- ``fakes`` and ``fake_values``: realistic fake values of each direct identifier's kind and
  shape, never equal to a real one; codes and keys in the real keys' shape.
"""
