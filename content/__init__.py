"""The content bank: what the tutor says, asks and suggests, for each concept and age track."""

from .loader import Bank, ContentError, ContentIssue, check, load_bank, summary
from .schema import CONCEPT_IDS, DEMO_IDS, EXAMPLE_KINDS, PLOT_NAMES, TRACK_IDS, Lesson

__all__ = [
    "Bank",
    "CONCEPT_IDS",
    "ContentError",
    "ContentIssue",
    "DEMO_IDS",
    "EXAMPLE_KINDS",
    "Lesson",
    "PLOT_NAMES",
    "TRACK_IDS",
    "check",
    "load_bank",
    "summary",
]
