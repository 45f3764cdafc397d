"""Reusable Streamlit pieces: the state accessor, cached wrappers and widgets."""
