"""The start/stop life cycle every local service shares, as a context manager."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import TypeVar

_S = TypeVar("_S", bound="Service")


class Service(abc.ABC):
    """``with Service() as running:`` starts it and stops it whatever happens."""

    @abc.abstractmethod
    def start(self) -> None: ...

    @abc.abstractmethod
    def stop(self) -> None: ...

    def __enter__(self: _S) -> _S:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
