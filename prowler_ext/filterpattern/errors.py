"""The one exception the engine lets escape."""

from __future__ import annotations


class PatternError(ValueError):
    """A filter pattern AWS would reject, with the 0-based position of the offending character."""

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message = message
        self.text = text
        self.position = max(0, min(position, len(text)))
        super().__init__(f"{message} (at character {self.position})")

    def caret(self) -> str:
        """The pattern on one line and a caret under the offending character."""
        line = self.text.replace("\n", " ").replace("\t", " ")
        return f"{line}\n{' ' * self.position}^"
