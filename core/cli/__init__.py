"""The studio headless: ``python -m core.cli synthesize | evaluate | bakeoff | runs``.

- ``args``: the commands, their arguments and help. ``main``: what each command does.
"""
