"""The content bank: what the tutor says, asks and suggests, for each concept and age track."""

from .loader import Bank, ContentError, ContentIssue, check, load_bank, summary
from .schema import CONCEPT_IDS, DEMO_IDS, EXAMPLE_KINDS, PLOT_NAMES, TRACK_IDS, Lesson

__all__ = [
    "CONCEPT_IDS",
    "DEMO_IDS",
    "EXAMPLE_KINDS",
    "PLOT_NAMES",
    "TRACK_IDS",
    "Bank",
    "ContentError",
    "ContentIssue",
    "Lesson",
    "check",
    "load_bank",
    "summary",
]
