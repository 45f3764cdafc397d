"""Start the studio as a user does (``streamlit run app.py``) for the browser and kill tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def start_studio(
    workspace_path: Path, log_path: Path, *, own_session: bool = False
) -> tuple[subprocess.Popen, str]:
    """A healthy studio on a free port over ``workspace_path``, and its base URL.

    Only the health endpoint is asked, so the caller's first page request is the server's
    first session. ``own_session`` starts it in a process group of its own, so a test can
    kill the server and everything it started at once.
    """
    port = free_port()
    env = {**os.environ, "SYNTH_STUDIO_WORKSPACE": str(workspace_path), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.headless", "true",
        # .streamlit/config.toml binds to "localhost"; pin IPv4 so the health URL matches.
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=own_session,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not healthy(f"{url}/_stcore/health"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_studio(process)
            pytest.fail(
                f"the studio did not start on port {port} (exit code {process.poll()}):\n"
                f"{log_path.read_text()[-3000:]}"
            )
        time.sleep(0.25)
    return process, url


def stop_studio(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
