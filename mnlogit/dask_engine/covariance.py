"""Sandwich covariances of a Dask fit: the score sums computed where the rows are.

``HC0``/``HC1`` need Σ_i w_i s_i s_i', a sum over partitions of per-partition sums.
``cluster`` needs the score totals u_g of each cluster, and a cluster may span
partitions: each partition sums its rows' scores by cluster label, the partial totals
are added label by label in a tree reduction, and only then Σ_g u_g u_g' is formed.
The meat (and the number of clusters) goes into the results' ``cov_kwds``; the
covariance itself is the in-memory formula (:func:`mnlogit.inference.covariance.covariance`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..design import DesignSpec
from ..design.evaluate import assemble
from ..exceptions import DataError
from ..inference.covariance import check_correction, cov_options
from ..inference.scores import group_totals, score_blocks
from .frame import Block, DaskModelFrame, outcome_codes, partition_rows
from .source import tree_reduce


def partition_meat(block: Block, theta: np.ndarray) -> np.ndarray:
    """Σ_i w_i s_i s_i' over one partition's rows.

    Examples
    --------
    >>> b = Block(np.ones((2, 1)), np.array([0, 1]), None)
    >>> partition_meat(b, np.zeros(1))
    array([[0.5]])
    """
    meat = np.zeros((theta.size, theta.size))
    for _, scores, w in score_blocks(block.X, block.y, block.w, theta):
        meat += scores.T @ (scores * w[:, None])
    return meat


def partition_cluster_totals(
    part: pd.DataFrame,
    formula: str,
    weights: str | None,
    spec: DesignSpec,
    model_levels: tuple,
    groups: str,
    theta: np.ndarray,
) -> pd.DataFrame:
    """Score totals of one partition's rows by cluster label (one row per label).

    Examples
    --------
    >>> from mnlogit.dask_engine.frame import learned_spec, scan_partition
    >>> df = pd.DataFrame({"y": ["a", "b", "b"], "g": [1, 1, 2]})
    >>> spec = learned_spec("y ~ 1", df.columns, scan_partition(df, "y ~ 1", None))
    >>> partition_cluster_totals(df, "y ~ 1", None, spec, ("a", "b"), "g", np.zeros(1))
         0
    1  0.0
    2  0.5
    """
    columns, read, kept, values = partition_rows(part, formula, weights, spec)
    labels = columns[groups].iloc[kept]
    if labels.isna().any():
        raise DataError(
            f"groups {groups!r} has {int(labels.isna().sum())} missing values among the rows used"
        )
    X = assemble(spec, values, kept)
    y = outcome_codes(read.y.iloc[kept], model_levels)
    w = None if read.weights is None else read.weights[kept]
    codes, uniques = pd.factorize(labels)
    totals = group_totals(score_blocks(X, y, w, theta), theta.size, codes, len(uniques))
    return pd.DataFrame(totals, index=pd.Index(uniques))


def add_cluster_totals(*parts: pd.DataFrame) -> pd.DataFrame:
    """Partial cluster totals added label by label.

    Examples
    --------
    >>> a = pd.DataFrame({0: [1.0, 2.0]}, index=["u", "v"])
    >>> b = pd.DataFrame({0: [3.0]}, index=["v"])
    >>> add_cluster_totals(a, b)[0].to_dict()
    {'u': 1.0, 'v': 5.0}
    """
    return pd.concat(parts).groupby(level=0, sort=False).sum()


def robust_cov_kwds(
    frame: DaskModelFrame,
    theta: np.ndarray,
    cov_type: str,
    groups: Any,
    correction: Any,
    penalty: str = "none",
    split_every: int = 8,
) -> dict[str, Any]:
    """``cov_kwds`` of a Dask fit: the score meat summed over partitions (and, for
    clusters, the number of clusters and the clustering column).

    Raises
    ------
    MNLogitError
        An unknown covariance type or correction, or groups that are not the name of
        a column of the data.
    """
    import dask

    check_correction(correction)
    if cov_type == "nonrobust":
        cov_options(cov_type, groups, None, frame, correction, penalty)
        return {"correction": correction}
    if cov_type != "cluster":
        cov_options(cov_type, groups, None, frame, correction, penalty)
        task = dask.delayed(partition_meat, pure=True)
        parts = [task(block, theta) for block in frame.blocks]
        (meat,) = dask.compute(tree_reduce(parts, _add, split_every))
        return {"meat": meat.tolist(), "correction": correction}
    if not isinstance(groups, str):
        raise DataError(
            "with a Dask DataFrame, groups must be the name of a column, got "
            f"{type(groups).__name__}"
        )
    source = frame.source
    if groups not in source.columns:
        raise DataError(f"groups column {groups!r} is not in the data")
    ddf = source[list(dict.fromkeys([*frame.data.columns, groups]))]
    task = dask.delayed(partition_cluster_totals, pure=True)
    parts = [
        task(
            part,
            frame.formula,
            frame.weights_name,
            frame.spec,
            frame.outcome.model_levels,
            groups,
            theta,
        )
        for part in ddf.to_delayed()
    ]
    (totals,) = dask.compute(tree_reduce(parts, add_cluster_totals, split_every))
    if len(totals) < 2:
        raise DataError(f"groups {groups!r} has {len(totals)} cluster(s); at least 2 are needed")
    values = totals.to_numpy()
    return {
        "meat": (values.T @ values).tolist(),
        "n_groups": len(totals),
        "groups_name": groups,
        "correction": correction,
    }


def _add(*parts: np.ndarray) -> np.ndarray:
    return np.sum(parts, axis=0)
