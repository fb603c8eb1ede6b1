"""Window shortcuts that work even when the window is not the active one."""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget


def trigger_matching_action(window: QWidget, event: QKeyEvent) -> bool:
    """Run the window's enabled action whose shortcut is the key pressed; True if one ran.

    Qt skips window shortcuts while the window is not the active one (a second screen,
    automation, tests), so windows call this from keyPressEvent and the keys always work.
    """
    pressed = QKeySequence(event.keyCombination())
    for action in window.actions():
        if action.isEnabled() and any(
            s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
            for s in action.shortcuts()
        ):
            action.trigger()
            event.accept()
            return True
    return False
