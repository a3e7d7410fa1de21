"""Saving and loading fitted models without pickle (see :mod:`mnlogit.model_file`).

Everything ``summary()``, ``predict()``, the tests, margins (given ``data=``) and
``with_cov_type`` need is restored. Loading evaluates nothing from the file but the
formula expressions of a design (``np.log(x)``, ``I(x**2)``), and only after their code
has been checked to do no more than read columns and call numpy's math functions and
patsy's built-ins; every other part of the design is plain data.
"""

from __future__ import annotations

from os import PathLike

from .exceptions import DataError, MNLogitError
from .inference.covariance import check_cov_type
from .model_file import decode, read
from .results import METHODS, MNLogitResults


def save(results: MNLogitResults, path: str | PathLike) -> None:
    """Write a fitted model to ``path`` (a zip of JSON and npz; no pickle); see
    :meth:`MNLogitResults.save`.

    Examples
    --------
    >>> import mnlogit, tempfile, os
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.mnlogit")
    >>> save(res, path)
    >>> load(path).llf == res.llf
    True
    """
    results.save(path)


def load(path: str | PathLike) -> MNLogitResults:
    """Read a model written by :func:`save` (or ``results.save``).

    The loaded results have no fitted data attached: pass ``data=`` to
    ``marginal_effects`` and cluster labels per row to ``with_cov_type``.

    Parameters
    ----------
    path : str or os.PathLike
        The file written by ``save`` (any name; ``.mnlogit`` by convention).

    Returns
    -------
    MNLogitResults
        The fitted model as it was saved: estimates, covariance type, penalty and
        separation, and the design's encoding (levels, contrasts, stateful
        transforms), so ``predict`` on new data builds the same columns.

    Raises
    ------
    DataError
        The file is not a saved model, or it is corrupt or tampered with (bad
        JSON, missing entries, arrays of the wrong shape or type, a formula that
        does more than the above); the message names the entry at fault.
    OSError
        The file cannot be read (e.g. ``FileNotFoundError``).

    Examples
    --------
    >>> import mnlogit, tempfile, os
    >>> df = mnlogit.datasets.load_iris()
    >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.mnlogit")
    >>> res.save(path)
    >>> load(path).predict(df.head(2)).equals(res.predict(df.head(2)))
    True
    """
    meta, arrays = read(path)
    try:
        parts = decode(meta, arrays)
        check_cov_type(parts["cov_type"], parts["cov_kwds"])
        if parts["penalty"][0] not in METHODS:
            raise MNLogitError(f"unknown penalty {list(parts['penalty'])!r}")
    except MNLogitError as err:
        raise DataError(f"{path}: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        what = f"missing entry {err}" if isinstance(err, KeyError) else f"{err}"
        raise DataError(f"{path} is not a valid saved mnlogit model: {what}") from None
    return MNLogitResults(
        parts["frame"],
        parts["estimate"],
        parts["cov_type"],
        parts["cov_kwds"],
        parts["penalty"],
        parts["separation"],
    )
