"""Privacy: what is done so no real person's values escape, and how that is checked.

- ``protect``: protections applied to the training rows (rare categories grouped, extremes
  clipped); ``protections``: their settings, the record of what they changed and its cost.
- ``checks``: leakage measured after sampling against the holdout (DCR share, exact copies,
  NNDR, real personal values found).
- ``gate``: the release gate's verdict, its statement of what the checks prove, overrides.

Personal data is found and given its role with the data (``core.data.pii``,
``core.data.personal``), faked while sampling (``core.synth.fakes``), kept out of every figure,
report, profile and query (``core.data.personal`` masking), and files are formula-safe
(``core.export.safe_cells``). Differential privacy: ``core.synth.dp``.
"""
