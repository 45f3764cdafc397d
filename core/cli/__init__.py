"""The studio headless: ``python -m core.cli synthesize | evaluate | bakeoff | runs``.

- ``args``: the commands, their arguments and help. ``main``: parsing, dispatching to the
  command and the one-line outcome or error.
- One module per command: ``synthesize``, ``evaluate``, ``bakeoff``, ``constraints`` (with
  reading a ``RULES.json`` file) and ``runs``; ``reporting``: what they share (the progress
  line, the release verdict, the JSON and HTML reports).
"""
