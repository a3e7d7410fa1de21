"""mnlogit: multinomial logistic regression with exact Newton maximum likelihood.

Examples
--------
>>> import mnlogit
>>> df = mnlogit.datasets.load_anes96()
>>> res = mnlogit.fit("party3 ~ age + educ + income + selfLR", data=df, reference="Democrat")
>>> res.params.columns.tolist()
['Independent', 'Republican']
"""

from . import datasets, nn
from .exceptions import (
    AliasedColumnsWarning,
    CollinearityError,
    ConvergenceWarning,
    DataError,
    FormulaError,
    LevelError,
    MissingDataWarning,
    MNLogitError,
    MNLogitWarning,
    PerfectSeparationWarning,
)
from .io import load
from .model import MNLogit, fit
from .report.compare import compare
from .results import MNLogitResults
from .wald import lr_test

__version__ = "0.1.0"

__all__ = [
    "AliasedColumnsWarning",
    "CollinearityError",
    "ConvergenceWarning",
    "DataError",
    "FormulaError",
    "LevelError",
    "MNLogit",
    "MNLogitError",
    "MNLogitResults",
    "MNLogitWarning",
    "MissingDataWarning",
    "PerfectSeparationWarning",
    "compare",
    "datasets",
    "fit",
    "load",
    "lr_test",
    "nn",
]
