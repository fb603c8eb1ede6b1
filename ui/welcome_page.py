"""First run: an empty database gets three clear first steps instead of a blank list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QFrame):
    add_first_requested = Signal()

    STEPS = (
        "1.  Add your first regular — press Ctrl+N. A name is enough, or just how to "
        "recognize them (“tall, red fixie, double espresso”). Add their usual order and "
        "any allergies while you're at it.",
        "2.  Find them again — type three letters of their name, a bit of their phone "
        "number, or anything you noted (“corgi”) in the search box above.",
        "3.  Check them in when they come by — Ctrl+Enter logs the visit (Ctrl+Z if it "
        "was the wrong person). Next time, anyone on shift can greet them by name.",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setAccessibleName("Getting started")
        title = QLabel("Welcome to Velvet Rope")
        title.setObjectName("welcomeTitle")
        intro = QLabel(
            "Remember your regulars, so anyone on shift can greet them personally. "
            "Three things to do first:"
        )
        intro.setWordWrap(True)
        intro.setObjectName("emptyHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 36)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(intro)
        for text in self.STEPS:
            step = QLabel(text)
            step.setObjectName("welcomeStep")
            step.setWordWrap(True)
            layout.addWidget(step)
        button = QPushButton("Add your first regular   Ctrl+N")
        button.setObjectName("primaryButton")
        button.setAccessibleName("Add your first regular")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(self.add_first_requested)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        tip = QLabel("Just looking around? Start the app with --demo for a shop full of "
                     "made-up regulars; your real data is not touched.")
        tip.setObjectName("emptyHint")
        tip.setWordWrap(True)
        layout.addWidget(tip)
        layout.addStretch(1)
