"""The package's own exception and warning types.

Every error a user can cause raises one of these, with a message that names the
column, level or count at fault, so that callers can catch ``MNLogitError``
without also catching unrelated numpy or pandas failures.
"""

from __future__ import annotations


class MNLogitError(ValueError):
    """Base class of every error raised by mnlogit for bad input or an impossible fit."""


class FormulaError(MNLogitError):
    """The formula cannot be evaluated on the data (unknown column, bad term)."""


class DataError(MNLogitError):
    """The data cannot be used: non-finite values, bad weights, too few rows or levels."""


class LevelError(MNLogitError):
    """An outcome or predictor level is unknown or unusable (e.g. an unseen level)."""


class CollinearityError(MNLogitError):
    """Design columns are perfectly collinear (aliased)."""


class MNLogitWarning(UserWarning):
    """Base class of mnlogit's warnings."""


class ConvergenceWarning(MNLogitWarning):
    """The Newton iterations stopped before the convergence criteria held."""


class PerfectSeparationWarning(MNLogitWarning):
    """Some outcome is (quasi-)completely separated: its MLE does not exist."""


class MissingDataWarning(MNLogitWarning):
    """Rows or levels were dropped because of missing values."""


class AliasedColumnsWarning(MNLogitWarning):
    """Aliased design columns were dropped from the fit."""


class FrequencyWeightsWarning(MNLogitWarning):
    """Non-integer ``weights=`` were taken as frequency weights (counts of identical rows);
    sampling weights belong in a :class:`~mnlogit.SurveyDesign`."""


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
    frame = sys._getframe(1)
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
