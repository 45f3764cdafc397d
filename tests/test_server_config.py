"""The server's secure defaults and the upload cap agree with core/config.py."""

import tomllib

from core.config import Settings
from tests.conftest import ROOT


def _config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_secure_defaults_are_on():
    # Run
    config = _config()
    # Assert
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True  # CORS protection on: no cross-origin access
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert set(config["server"]["allowedHosts"]) <= {"localhost", "127.0.0.1"}


def test_upload_cap_matches_the_studio_setting():
    assert _config()["server"]["maxUploadSize"] == Settings().max_upload_mb


def test_the_sidebar_menu_is_not_hidden():
    # Run
    client = _config()["client"]

    # Assert: off, it would hide app.py's st.navigation menu along with the classic pages/ one
    assert client.get("showSidebarNavigation", True) is True
