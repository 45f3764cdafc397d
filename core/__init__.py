"""Synth Studio core: all the logic, pure Python, never imports streamlit."""
