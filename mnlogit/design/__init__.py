"""The design layer: what the rows of a fit are, and how a formula turns data into them.

The only package that imports patsy (in :mod:`.patsy_adapter`). It owns the outcome
(levels, reference, codes), the right-hand side's description (:class:`DesignSpec`:
plain data, learned once, re-applied to new data, Dask partitions and reloaded
models), and the model frame of one fit (:class:`ModelFrame`).
"""

from .arrays import frame_from_arrays
from .columns import Columns
from .formula import MissingPolicy, Weights, frame_from_formula
from .model_frame import CodedRows, FitFrame, ModelFrame, Patterns
from .outcome import Outcome, encode_outcome, label_index
from .spec import DesignSpec, FactorSpec

__all__ = [
    "CodedRows",
    "Columns",
    "DesignSpec",
    "FactorSpec",
    "FitFrame",
    "MissingPolicy",
    "ModelFrame",
    "Outcome",
    "Patterns",
    "Weights",
    "encode_outcome",
    "frame_from_arrays",
    "frame_from_formula",
    "label_index",
]
