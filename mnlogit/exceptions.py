"""The package's own exception and warning types.

Every error a user can cause raises one of these, with a message that names the
column, level or count at fault, so that callers can catch ``MNLogitError``
without also catching unrelated numpy or pandas failures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType


class MNLogitError(ValueError):
    """Base class of every error raised by mnlogit for bad input or an impossible fit.

    A subclass of :class:`ValueError`; catch it to handle any of the package's own
    errors (:class:`FormulaError`, :class:`DataError`, :class:`LevelError`,
    :class:`CollinearityError`) without also catching unrelated failures.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> try:
    ...     mnlogit.fit("Species ~ Sepal_Length", df, reference="rose")
    ... except mnlogit.MNLogitError as err:
    ...     print(type(err).__name__)
    LevelError
    """


class FormulaError(MNLogitError):
    """The formula cannot be evaluated on the data (unknown column, bad term).

    Examples
    --------
    >>> import mnlogit
    >>> mnlogit.fit("Species ~ Petal_Colour", mnlogit.datasets.load_iris())
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.FormulaError: formula 'Species ~ Petal_Colour' names 'Petal_Colour',
    which is not a column of the data (columns: ...)
    """


class DataError(MNLogitError):
    """The data cannot be used: non-finite values, bad weights, too few rows or levels.

    Examples
    --------
    >>> import numpy as np
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> mnlogit.fit("Species ~ Sepal_Length", df, weights=np.full(150, -1.0))
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: weights must be non-negative; 150 are negative
    """


class LevelError(MNLogitError):
    """An outcome or predictor level is unknown or unusable (e.g. an unseen level).

    Examples
    --------
    >>> import mnlogit
    >>> mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris(), reference="rose")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.LevelError: reference 'rose' is not a level of outcome 'Species';
    levels: 'setosa', 'versicolor', 'virginica'
    """


class CollinearityError(MNLogitError):
    """Design columns are perfectly collinear (aliased).

    The message names the aliased column and the combination of the others it equals;
    ``fit(..., drop_aliased=True)`` drops such columns with an
    :class:`AliasedColumnsWarning` instead.

    Examples
    --------
    >>> import mnlogit
    >>> mnlogit.fit("Species ~ Sepal_Length + I(2 * Sepal_Length)", mnlogit.datasets.load_iris())
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.CollinearityError: the design matrix is rank deficient:
    'I(2 * Sepal_Length)' = 2*'Sepal_Length'. ...
    """


class MNLogitWarning(UserWarning):
    """Base class of mnlogit's warnings.

    A subclass of :class:`UserWarning`: filter it to silence, or turn into errors,
    every warning of the package at once.

    Examples
    --------
    >>> import warnings
    >>> import mnlogit
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", mnlogit.MNLogitWarning)
    ...     mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris(), maxiter=2)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.ConvergenceWarning: Newton iterations did not converge after 2 steps: ...
    """


class ConvergenceWarning(MNLogitWarning):
    """The Newton iterations stopped before the convergence criteria held.

    The results are still returned, with ``converged`` False; their estimates and
    standard errors are unreliable.

    Examples
    --------
    >>> import warnings
    >>> import mnlogit
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris(), maxiter=2)
    >>> caught[0].category.__name__, res.converged
    ('ConvergenceWarning', False)
    """


class PerfectSeparationWarning(MNLogitWarning):
    """Some outcome is (quasi-)completely separated: its MLE does not exist.

    The warning names the outcomes and terms involved; ``penalty="firth"`` gives
    finite bias-reduced estimates.

    Examples
    --------
    >>> import warnings
    >>> import mnlogit
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = mnlogit.fit("Species ~ Petal_Length", mnlogit.datasets.load_iris())
    >>> caught[0].category.__name__, res.converged
    ('PerfectSeparationWarning', False)
    """


class MissingDataWarning(MNLogitWarning):
    """Rows or levels were dropped because of missing values.

    Examples
    --------
    >>> import warnings
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> df.loc[0, "Sepal_Length"] = None
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = mnlogit.fit("Species ~ Sepal_Length", df)
    >>> print(caught[0].message)
    dropped 1 of 150 rows with missing values (1 in 'Sepal_Length')
    >>> res.n_dropped
    1
    """


class AliasedColumnsWarning(MNLogitWarning):
    """Aliased design columns were dropped from the fit.

    Issued by ``fit(..., drop_aliased=True)``; the dropped columns appear as missing
    rows in the tables.

    Examples
    --------
    >>> import warnings
    >>> import mnlogit
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = mnlogit.fit("Species ~ Sepal_Length + I(2 * Sepal_Length)",
    ...                       mnlogit.datasets.load_iris(), drop_aliased=True)
    >>> print(caught[0].message)
    dropped aliased design column(s): 'I(2 * Sepal_Length)' = 2*'Sepal_Length'
    >>> res.exog_names
    ('Intercept', 'Sepal_Length')
    """


class FrequencyWeightsWarning(MNLogitWarning):
    """Non-integer ``weights=`` were taken as frequency weights (counts of identical rows).

    Sampling weights belong in a :class:`~mnlogit.SurveyDesign`, which gives
    design-based standard errors.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = mnlogit.fit("Species ~ Sepal_Length", df, weights=np.full(150, 0.5))
    >>> caught[0].category.__name__, res.nobs
    ('FrequencyWeightsWarning', 75.0)
    """


def warn(message: str, category: type[Warning]) -> None:
    """Issue a warning attributed to the user's own line: the first caller outside the
    mnlogit package, however deep inside it the warning arises (a fixed ``stacklevel``
    points into the package on some call paths).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("rows dropped", MissingDataWarning)
    >>> caught[0].filename.endswith("exceptions.py")
    False
    """
    import os
    import sys
    import warnings

    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame: FrameType | None = sys._getframe(1)
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
