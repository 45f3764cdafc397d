"""How close a synthetic table is to the real one, and what the numbers mean.

- ``quality``: the SDMetrics quality report (the one wrapper of it), subsampled and seeded;
  ``columns`` decides which columns the headline scores and why the others are not.
- ``diagnostic``: validity and structure. ``coverage``: categories, ranges, rare values and
  missing values reached, duplicates and copies. ``utility``: train on synthetic, test on real.
  ``features``: columns as every model and distance reads them. ``tally``: facts counted
  over every row of a run.
- ``plots`` and ``projection``: the comparison figures (bounded by construction).
- ``readings``: every score's range and its plain-language reading.
"""
