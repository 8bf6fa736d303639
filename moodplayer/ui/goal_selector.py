"""The mood goal control: Match / Lift / Calm, saved in Settings.goal."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QWidget

from moodplayer.moods.goals import Goal

TIPS = {
    Goal.MATCH: "Play what the mood maps to.",
    Goal.LIFT: "When sad, fearful or angry: start close to the mood, then brighter song by song.",
    Goal.CALM: "When angry, surprised or happy: ease toward calmer songs.",
}


class GoalSelector(QWidget):
    goal_changed = Signal(str)

    def __init__(self, settings, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Goal:"))
        self.group = QButtonGroup(self)
        self.buttons: dict[Goal, QRadioButton] = {}
        for goal in Goal:
            button = QRadioButton(goal.value.capitalize())
            button.setToolTip(TIPS[goal])
            self.group.addButton(button)
            self.buttons[goal] = button
            layout.addWidget(button)
        self.buttons[_current(settings)].setChecked(True)
        self.group.buttonToggled.connect(self._toggled)

    @property
    def goal(self) -> Goal:
        return next(g for g, b in self.buttons.items() if b.isChecked())

    def set_goal(self, goal: Goal | str) -> None:
        self.buttons[Goal.parse(goal)].setChecked(True)

    def _toggled(self, button, checked: bool) -> None:
        if not checked:
            return
        self.settings.goal = self.goal.value
        self.settings.save()
        self.goal_changed.emit(self.settings.goal)


def _current(settings) -> Goal:
    try:
        return Goal.parse(getattr(settings, "goal", "match"))
    except ValueError:
        return Goal.MATCH


def attach(bridge, window, settings) -> GoalSelector:
    """In the status bar, beside the other always-there controls."""
    selector = GoalSelector(settings, window)
    window.statusBar().addPermanentWidget(selector)
    selector.goal_changed.connect(
        lambda goal: bridge.message.emit("info", f"Goal: {goal}. {TIPS[Goal(goal)]}"))
    # Up next follows the new goal at once, after the track that plays (as a language change does).
    selector.goal_changed.connect(lambda _goal: bridge.session.dj.requeue())
    return selector
