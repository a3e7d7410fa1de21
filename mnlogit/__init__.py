"""mnlogit: multinomial logistic regression with exact Newton maximum likelihood.

The public names load on first use (PEP 562): ``import mnlogit`` is cheap, and the
neural-network module, the MNIST readers and the Dask engine are imported only when
they are used.

Examples
--------
>>> import mnlogit
>>> df = mnlogit.datasets.load_anes96()
>>> res = mnlogit.fit("party3 ~ age + educ + income + selfLR", data=df, reference="Democrat")
>>> res.params.columns.tolist()
['Independent', 'Republican']
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .exceptions import (
    AliasedColumnsWarning,
    CollinearityError,
    ConvergenceWarning,
    DataError,
    FormulaError,
    FrequencyWeightsWarning,
    LevelError,
    MissingDataWarning,
    MNLogitError,
    MNLogitWarning,
    PerfectSeparationWarning,
)

if TYPE_CHECKING:  # the names below, for type checkers and editors
    from . import datasets, nn
    from .api import fit
    from .inference.survey import SurveyDesign
    from .inference.wald import lr_test
    from .io import load
    from .model import MNLogit
    from .report.compare import compare
    from .results import MNLogitResults

__version__ = "0.1.0"

# The library logs to "mnlogit" and its children; the application decides what is shown.
logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> (module, attribute; None for the module itself)
_LAZY: dict[str, tuple[str, str | None]] = {
    "fit": (".api", "fit"),
    "MNLogit": (".model", "MNLogit"),
    "MNLogitResults": (".results", "MNLogitResults"),
    "SurveyDesign": (".inference.survey", "SurveyDesign"),
    "compare": (".report.compare", "compare"),
    "lr_test": (".inference.wald", "lr_test"),
    "load": (".io", "load"),
    "datasets": (".datasets", None),
    "nn": (".nn", None),
}

__all__ = [
    "AliasedColumnsWarning",
    "CollinearityError",
    "ConvergenceWarning",
    "DataError",
    "FormulaError",
    "FrequencyWeightsWarning",
    "LevelError",
    "MNLogit",
    "MNLogitError",
    "MNLogitResults",
    "MNLogitWarning",
    "MissingDataWarning",
    "PerfectSeparationWarning",
    "SurveyDesign",
    "compare",
    "datasets",
    "fit",
    "load",
    "lr_test",
    "nn",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
