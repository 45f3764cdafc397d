"""A run's stored scores, read by name: the one reader pages, components, the report and the
release gate share.

A run stores its evaluation as JSON (``Evaluation.to_dict`` in :mod:`core.runs.assess`); runs
stored by older versions lack some blocks. :class:`StoredScores` gives every block under one
name with the same default (an empty mapping, or ``None`` for a number), so no reader walks
``run.scores or {}`` and ``.get(...) or {}`` chains of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

_EMPTY: Mapping[str, Any] = {}


def _block(key: str, doc: str | None = None) -> Any:
    """A read-only property: the block ``key`` of the scores (see :meth:`StoredScores.block`)."""

    def read(self: StoredScores) -> Mapping[str, Any]:
        return self.block(key)

    return property(read, doc=doc)


@dataclass(frozen=True)
class StoredScores(Mapping[str, Any]):
    """The scores of one run as stored; every accessor tolerates a run stored without them.

    It is also a read-only mapping of the stored JSON, for code that passes it on whole.
    """

    raw: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, scores: Mapping[str, Any] | StoredScores | None) -> StoredScores:
        """Read ``run.scores`` (None for a run without scores)."""
        if isinstance(scores, StoredScores):
            return scores
        return cls(raw=scores or {})

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def value(self, key: str) -> float | None:
        """A top-level score such as ``quality_score`` (see ``core.evaluate.readings.SCORES``)."""
        number = self.raw.get(key)
        return None if number is None else float(number)

    def block(self, key: str) -> Mapping[str, Any]:
        """A block of the scores (``coverage``, ``privacy``, ``protections``...) or ``{}``."""
        return self.raw.get(key) or _EMPTY

    @property
    def quality(self) -> float | None:
        return self.value("quality_score")

    @property
    def ceiling(self) -> float | None:
        """The holdout ceiling: the quality score of fresh real rows."""
        return self.value("holdout_quality_score")

    # Blocks of the scores, each ``{}`` for a run stored without it.
    holdout = _block(
        "holdout", "How the real rows were split (rows, share, seed, training sample...)."
    )
    coverage = _block("coverage")
    privacy = _block("privacy")
    protections = _block("protections")
    utility = _block("utility")
    rules = _block(
        "rules", "Rows keeping each added or found rule (``rules`` list, ``added_hold``...)."
    )
    rebalance = _block(
        "rebalance", "A rebalanced column's shares: ``before``, ``target``, ``after``."
    )
    augmentation = _block(
        "augmentation",
        "Real-only against real plus synthetic rows on the holdout, with ``verdict``.",
    )

    @property
    def holdout_rows(self) -> int:
        return int(self.holdout.get("holdout_rows") or 0)

    @property
    def scenarios(self) -> list[Mapping[str, Any]]:
        """Each scenario's fidelity against its real rows (conditioned or rebalanced runs)."""
        return list(self.raw.get("scenarios") or [])

    @property
    def rare(self) -> Mapping[str, Any]:
        """The rare categories and pairs of the real rows and whether the extract has them."""
        return self.coverage.get("rare") or _EMPTY

    @property
    def per_column(self) -> list[Mapping[str, Any]]:
        return list(self.raw.get("per_column") or [])

    @property
    def sample_rows(self) -> int | None:
        rows = self.raw.get("sample_rows")
        return int(rows) if rows else None

    @property
    def scored_columns(self) -> list[Mapping[str, Any]] | None:
        """The columns the headline scores (None for runs stored before they were listed)."""
        scored = self.raw.get("scored_columns")
        return None if scored is None else list(scored)

    @property
    def unscored_columns(self) -> list[Mapping[str, Any]]:
        return list(self.raw.get("unscored_columns") or [])

    def as_dict(self) -> dict[str, Any]:
        """The stored JSON, for a report file or a bundle."""
        return dict(self.raw)
