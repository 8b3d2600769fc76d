"""Progress in the terminal for CLI commands: the same ``Progress`` protocol that jobs report through."""

from __future__ import annotations

from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    def __init__(self, description: str) -> None:
        self.description = description
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
        )
        self._task = self._progress.add_task(description, total=None, note="")

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()

    def start(self, total: int | None, message: str = "") -> None:
        self._progress.update(self._task, total=total, completed=0, note=message)

    def advance(self, step: int = 1) -> None:
        self._progress.advance(self._task, step)

    def message(self, text: str) -> None:
        self._progress.update(self._task, note=text)
