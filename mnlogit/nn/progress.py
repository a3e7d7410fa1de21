"""Training progress: log records always, a display only when asked for.

Every epoch's summary is logged at INFO on the ``mnlogit.nn`` logger (configure
:mod:`logging` to see or keep it). With ``verbose=True`` the epochs are also shown:
a tqdm bar when tqdm is installed (:func:`mnlogit.log.tqdm_class`: a widget in Jupyter
when ipywidgets is there, text otherwise, never tqdm's "IProgress not found" warning),
else one line per epoch on stderr.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ..log import get_logger, tqdm_class

LOGGER = get_logger("nn")


class Progress:
    """Per-epoch progress of a training run.

    ``advance(batches)`` moves the bar; ``epoch_done(text)`` logs the epoch's summary
    and, when ``verbose``, shows it (on the bar, or as a line on ``stream``).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(verbose=True, epochs=1, batches=3, stream=out, use_tqdm=False)
    >>> p.start_epoch(0); p.advance(3); p.epoch_done("loss 0.1"); p.close()
    >>> out.getvalue()
    'epoch 1/1: loss 0.1\\n'
    """

    def __init__(
        self,
        verbose: bool,
        epochs: int,
        batches: int,
        stream: TextIO | None = None,
        use_tqdm: bool = True,
    ) -> None:
        self.verbose, self.epochs, self.batches = verbose, epochs, batches
        self.stream = sys.stderr if stream is None else stream
        self._tqdm = tqdm_class() if verbose and use_tqdm else None
        self._bar: Any = None
        self._epoch = 0

    def start_epoch(self, epoch: int) -> None:
        """Open the bar of epoch ``epoch`` (counted from 0)."""
        self._epoch = epoch
        if self._tqdm is not None:
            self._bar = self._tqdm(
                total=self.batches,
                desc=f"epoch {epoch + 1}/{self.epochs}",
                unit="batch",
                leave=True,
                file=self.stream,
                mininterval=0.25,
            )

    def advance(self, batches: int) -> None:
        """Count ``batches`` more minibatches done in this epoch."""
        if self._bar is not None:
            self._bar.update(batches)

    def epoch_done(self, text: str) -> None:
        """Close the epoch with a summary ``text``."""
        line = f"epoch {self._epoch + 1}/{self.epochs}: {text}"
        LOGGER.info(line)
        if not self.verbose:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=True)
            self._bar.close()
            self._bar = None
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        """Close a bar left open (e.g. after an interruption)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
