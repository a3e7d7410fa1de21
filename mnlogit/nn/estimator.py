"""The scikit-learn estimator protocol, without importing scikit-learn at run time.

scikit-learn recognises an estimator by what it does, not by its base class: the
hyper-parameters are the arguments of ``__init__``, stored unchanged under their own
names (:meth:`ClassifierProtocol.get_params`, :meth:`ClassifierProtocol.set_params`);
``__sklearn_tags__`` describes the estimator; ``__sklearn_is_fitted__`` says whether it
was fitted. :class:`ClassifierProtocol` gives the networks that protocol, so ``clone``,
``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` work with them, while
scikit-learn stays an optional dependency: it is imported only when scikit-learn
itself asks for the tags, and the errors and warnings below are also scikit-learn's
own types whenever scikit-learn is loaded in the process.
"""

from __future__ import annotations

import functools
import inspect
import sys
from typing import Any

from ..exceptions import MNLogitError, MNLogitWarning


class NotFittedError(MNLogitError, AttributeError):
    """A fitted estimator was needed (predict, score or save before fit).

    Examples
    --------
    >>> from mnlogit.nn import MLP
    >>> try:
    ...     MLP().predict([[0.0]])
    ... except NotFittedError as error:
    ...     print(error)
    this MLP is not fitted yet; call fit first
    """


class DataConversionWarning(MNLogitWarning):
    """Data were converted to the expected form (e.g. a column vector y flattened).

    Examples
    --------
    >>> import warnings
    >>> from mnlogit.nn import SoftmaxRegression
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = SoftmaxRegression(epochs=1).fit([[0.0], [1.0]] * 2, [[0], [1]] * 2)
    >>> caught[0].category.__name__
    'DataConversionWarning'
    """


@functools.cache
def _joint_type(own: type, sklearn_type: type) -> type:
    return type(own.__name__, (own, sklearn_type), {"__module__": own.__module__})


def sklearn_compatible(own: type) -> type:
    """``own``, or a subclass that is also scikit-learn's type of that name if it is loaded.

    scikit-learn's machinery catches its own types (a ``NotFittedError`` from an
    unfitted estimator, a ``DataConversionWarning``); raising this type satisfies both
    ``except mnlogit...`` and ``except sklearn...``. scikit-learn is never imported here.

    Examples
    --------
    >>> error = sklearn_compatible(NotFittedError)("not fitted")
    >>> isinstance(error, NotFittedError) and isinstance(error, ValueError)
    True
    """
    module = sys.modules.get("sklearn.exceptions")
    sklearn_type = getattr(module, own.__name__, None)
    return own if sklearn_type is None else _joint_type(own, sklearn_type)


class ClassifierProtocol:
    """get_params / set_params / repr / tags of a scikit-learn classifier.

    Subclasses list every hyper-parameter as a named argument of ``__init__`` and
    store it unchanged as an attribute of the same name; fitted state lives in
    attributes ending with ``_`` set by ``fit``.

    Examples
    --------
    >>> class Toy(ClassifierProtocol):
    ...     def __init__(self, depth=3, rate=0.5):
    ...         self.depth, self.rate = depth, rate
    >>> toy = Toy(depth=5)
    >>> toy.get_params(), toy.set_params(rate=0.1), Toy.parameter_names()
    ({'depth': 5, 'rate': 0.5}, Toy(depth=5, rate=0.1), ['depth', 'rate'])
    """

    @classmethod
    def parameter_names(cls) -> list[str]:
        """The hyper-parameters: the named arguments of ``__init__``, sorted.

        What :meth:`get_params` returns and :meth:`set_params` accepts, and what
        scikit-learn's ``clone`` copies.

        Returns
        -------
        list of str
            The argument names, in alphabetical order.

        Examples
        --------
        >>> from mnlogit.nn import MLP
        >>> MLP.parameter_names()[:4]
        ['activation', 'batch_size', 'dtype', 'epochs']
        """
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyper-parameters as given (``deep`` is accepted for scikit-learn).

        Parameters
        ----------
        deep : bool
            Ignored: no hyper-parameter is itself an estimator.

        Returns
        -------
        dict
            Parameter name -> value.

        Examples
        --------
        >>> from mnlogit.nn import MLP
        >>> MLP(hidden=20).get_params()["hidden"]
        20
        """
        return {name: getattr(self, name) for name in self.parameter_names()}

    def set_params(self, **params: Any) -> Any:
        """Set hyper-parameters by name; they are checked when ``fit`` runs.

        Parameters
        ----------
        **params
            New values of hyper-parameters.

        Returns
        -------
        self

        Examples
        --------
        >>> from mnlogit.nn import MLP
        >>> MLP().set_params(lr=0.5, epochs=3)
        MLP(epochs=3, lr=0.5)
        """
        valid = self.parameter_names()
        for name, value in params.items():
            if name not in valid:
                raise MNLogitError(
                    f"invalid parameter {name!r} for {type(self).__name__}; "
                    f"valid parameters: {', '.join(valid)}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            if value is not default and not _same_value(value, default):
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags: a classifier of dense 2-d numeric X and 1-d labels y.

        Called by scikit-learn (version 1.6 or later), which is then loaded.
        """
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(),
        )


def _same_value(value: Any, default: Any) -> bool:
    try:
        return bool(type(value) is type(default) and value == default)
    except (TypeError, ValueError):  # values whose == is not a truth value
        return False
