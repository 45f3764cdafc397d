"""Put the bundled demo datasets into the workspace (idempotent).

``python -m core.data.seed_demos`` (``make run`` calls it).
"""

from __future__ import annotations

import sys

from core.config import get_settings
from core.data.demos import DEMOS, load_demo
from core.errors import StudioError
from core.workspace.store import Workspace


def main() -> int:
    path = get_settings().workspace_path
    try:
        workspace = Workspace(path)
        try:
            for key in DEMOS:
                load_demo(workspace, key)
        finally:
            workspace.close()
    except StudioError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"workspace {path}: demo datasets ready ({', '.join(DEMOS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
