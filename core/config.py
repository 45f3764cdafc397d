"""One typed settings object: every limit, cap and threshold the studio uses, with its help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from core.errors import InvalidParameterError

WORKSPACE_ENV = "SYNTH_STUDIO_WORKSPACE"


def _default_workspace() -> Path:
    env = os.environ.get(WORKSPACE_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".synth_studio" / "workspace.duckdb"


def setting(default: Any, help_text: str) -> Any:
    """A settings field with its default and the help the studio shows for it."""
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    """Studio settings. Each field carries its help in ``metadata``."""

    workspace_path: Path = field(
        default_factory=_default_workspace,
        metadata={"help": f"DuckDB workspace file; set {WORKSPACE_ENV} to move it."},
    )
    max_upload_mb: int = setting(200, "Largest file accepted for upload, in MB.")
    max_expanded_mb: int = setting(
        1000, "Largest size a compressed upload (.xlsx) may expand to, in MB."
    )
    max_zip_ratio: int = setting(200, "Highest expansion ratio accepted for an .xlsx upload.")
    preview_rows: int = setting(20, "Rows shown in table previews.")
    default_rows: int = setting(1000, "Default synthetic row count.")
    max_rows: int = setting(1_000_000, "Most synthetic rows one run may generate.")
    sample_batch_rows: int = setting(
        50_000,
        "Rows sampled per batch: bounds sampling memory and paces progress updates "
        "(each batch has a fixed cost: 10,000-row batches took 1.6x as long per row).",
    )
    eval_max_rows: int = setting(20_000, "Evaluation subsamples each table above this many rows.")
    eval_max_columns: int = setting(
        60,
        "Evaluation scores a seeded sample of this many columns of wider "
        "tables (pair trends grow with the square of the column count).",
    )
    distance_max_rows: int = setting(
        2000, "Rows of each table used for nearest-neighbour (near-duplicate) checks."
    )
    holdout_share: float = setting(
        0.2, "Share of real rows kept aside from fitting, as the yardstick."
    )
    rare_min_count: int = setting(
        5,
        "Categories seen fewer times than this in the training rows are grouped "
        "before fitting, so they are not reproduced verbatim: as '(other)' in text columns, "
        "into the nearest frequent value in number columns (0 turns it off). Measured cost "
        "on seven public tables: 0 to 0.003 of quality.",
    )
    rare_max_share: float = setting(
        0.5,
        "A column whose rare values fill more than this share of its rows is left "
        "as it is (grouping would erase it) and named in the run's protections.",
    )
    clip_extremes: bool = setting(
        False,
        "Pull the few most extreme numbers of each column in before fitting. Off "
        "by default: one value moved per column end cost 0.018, 0.033 and 0.104 of quality "
        "on tips, penguins and BudgetFood (four: 0.04 to 0.13), as SDMetrics bins numbers "
        "between each table's own minimum and maximum.",
    )
    clip_min_count: int = setting(
        5,
        "With clipping on, values beyond the this-many-th smallest and largest are "
        "pulled in to them: at most this many minus one rows move at each end.",
    )
    gate_max_dcr_share: float = setting(
        0.55,
        "Release gate: highest share of synthetic rows closer to a training "
        "row than to a holdout row (0.5 is ideal).",
    )
    plot_max_categories: int = setting(20, "Categories shown per bar chart; the rest grouped.")
    plot_max_rows: int = setting(50_000, "Rows per table drawn in a distribution plot.")
    categorical_max_share: float = setting(
        0.5,
        "Text columns with fewer distinct values than this share of rows "
        "are described as categories.",
    )
    train_max_rows: int = setting(
        100_000,
        "Synthesizers fit on a stratified sample of this many training rows of "
        "larger tables (every category keeps its share; rare ones stay present).",
    )
    # Fit cost model of core.synth.estimate.estimate_fit, measured on a 2-core machine.
    # (overhead seconds, seconds per 1,000 cells, base MB, MB per 1,000 cells)
    fit_cost_copula: tuple[float, float, float, float] = setting(
        (0.5, 0.02, 3.0, 0.084),
        "Fit cost model of synthesizers without epochs (see estimate_fit).",
    )
    # (overhead seconds, seconds per 1,000 rows × number columns (mixture models), seconds per
    # 1,000 cells (encoding), base MB, MB per 1,000 encoded cells); epochs: registry step_seconds
    fit_cost_neural: tuple[float, float, float, float, float] = setting(
        (1.0, 0.08, 0.012, 100.0, 0.035),
        "Setup cost model of synthesizers trained in epochs (see estimate_fit).",
    )
    shard_rows: int = setting(
        100_000, "Rows per shard (one Parquet part) when sampling in parallel shards."
    )
    seed: int = setting(42, "Default random seed.")


ENV_PREFIX = "SYNTH_STUDIO_"


def get_settings() -> Settings:
    """Settings for this process, read from the environment on each call.

    Any field can be set as ``SYNTH_STUDIO_<FIELD>`` (e.g. ``SYNTH_STUDIO_GATE_MAX_DCR_SHARE=0.52``,
    ``SYNTH_STUDIO_CLIP_EXTREMES=on``); a value that does not parse stops
    with one line naming the variable.
    """
    overrides: dict[str, Any] = {}
    for item in fields(Settings):
        raw = os.environ.get(ENV_PREFIX + item.name.upper())
        if raw is None or item.name == "workspace_path":  # the path has its own variable
            continue
        overrides[item.name] = _parse(ENV_PREFIX + item.name.upper(), raw, item.default)
    return Settings(**overrides)


def _parse(name: str, raw: str, default: Any) -> Any:
    text = raw.strip()
    try:
        if isinstance(default, tuple) or default is None:
            if text.lower() in {"", "off", "none"}:
                return None
            return tuple(float(part) for part in text.split(","))
        if isinstance(default, bool):
            if text.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(text)
            return text.lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        kind = "pair of numbers" if isinstance(default, tuple) else type(default).__name__
        raise InvalidParameterError(f"{name}={raw!r} is not a valid {kind}.") from None
    return text
