"""Synth Studio's logic: pure Python on pandas, SDV, DuckDB and plotly; never imports streamlit.

The wings, in the order they may import each other (a wing looks only down this list):

1. ``workspace``: the DuckDB file holding datasets, runs and synthetic tables.
2. ``data``: reading files, their formats, metadata and personal-data roles, the holdout,
   profiles, SQL.
3. ``synth``: the synthesizer registry, fitting, sampling in batches and shards, fake values.
4. ``evaluate``: quality, diagnostic, coverage, utility, figures and their readings.
5. ``privacy``: protections before fitting, leakage checks after sampling, the release gate.
6. ``export``: extract files, the stakeholder report, the reproducibility bundle.
7. ``runs``: one run's life cycle, its assessment, history and the bake-off.
8. ``cli``: the same pipeline headless (``python -m core.cli``).

Every wing may also use the foundation beside this file: ``config`` (settings), ``errors``
(one-line domain errors), ``progress`` (the progress callback), ``frames`` (frames as SDV
must receive them), ``meta`` (a table's metadata as one typed value) and ``formatting`` (how
scores, shares, durations and internal names read wherever the studio shows them).
``tests/test_layering.py`` fails on an import up the list.
"""
