"""Making synthetic rows.

- ``registry``: the synthesizers offered (data, not if/else) and their parameter forms.
- ``fitting`` and ``fit_watch``: a seeded fit in its own thread, with progress and stop.
- ``seeding``: a run's seed, and the one lock on the process's random generators.
- ``dp``: the differentially private MST synthesizer.
- ``training_sample``: the stratified sample big tables fit on, and the fit estimate.
- ``sampling``: rows drawn in batches into the workspace or Parquet, never all in memory.
- ``parquet``: batches as Arrow tables of one schema, written into one Parquet file.
- ``redraw``: fake personal values redrawn per batch, and a saved run's model with them.
- ``scenarios`` and ``shaped_draws``: a run's conditions, rebalance and rules, and drawing the
  rows that meet them.
- ``shards``: a big extract in seeded shards, in this process or on Dask.
- ``fake_specs``, ``fakes`` and ``fake_values``: the shape of each direct identifier's real
  values, and realistic fakes of that kind and shape, never equal to a real one.
  ``fake_codes``: codes and keys in the real keys' shape, unique and never real.
"""
