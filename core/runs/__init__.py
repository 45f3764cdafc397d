"""A run from start to finish, and runs side by side.

- ``request``: what one run is asked for, as one value (``RunRequest``).
- ``pipeline``: one run's life cycle over the workspace, and a dataset's metadata on first use.
- ``steps``: a run's steps (prepare, fit, sample, assess), each returning a frozen value.
- ``assess``: every check of a synthetic table in one evaluation (the pipeline, Compare and
  ``cli evaluate`` share it).
- ``history``: the table of a workspace's runs. ``bakeoff`` and ``leaderboard``: several
  synthesizers on one table within a budget, ranked, with a recommendation.
"""
