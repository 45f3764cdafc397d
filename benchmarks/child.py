"""Worker entry point: ``python -m benchmarks.child <module> <task> '<json kwargs>'``.

Runs one task in this fresh interpreter and prints its result as one JSON line, with the
process's peak resident memory from ``getrusage`` (Linux reports kilobytes).
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import warnings

from benchmarks.common import RESULT_MARK


def peak_rss_mb() -> float:
    """Highest resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    module, task, kwargs = argv[0], argv[1], json.loads(argv[2])
    warnings.simplefilter("ignore")  # library chatter would bury the one line that matters
    fn = getattr(importlib.import_module(f"benchmarks.{module}"), f"task_{task}")
    result = fn(**kwargs)
    result["peak_rss_mb"] = peak_rss_mb()
    print("\n" + RESULT_MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
