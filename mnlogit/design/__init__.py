"""The design layer: what the rows of a fit are, and how a formula turns data into them.

The only package that imports patsy. It owns the outcome (levels, reference, codes),
the right-hand side's description (:class:`DesignSpec`), and the model frame of one
fit (:class:`ModelFrame`: design, codes, weights, dropped rows).
"""

from .frame import MissingPolicy, ModelFrame, frame_from_arrays, frame_from_formula
from .outcome import Outcome, encode_outcome

__all__ = [
    "MissingPolicy",
    "ModelFrame",
    "Outcome",
    "encode_outcome",
    "frame_from_arrays",
    "frame_from_formula",
]
