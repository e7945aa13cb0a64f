"""Checking parameters that arrive from lessons and query strings, with messages a person can act on."""

import math

import numpy as np


def number(name, value, lo=None, hi=None, integer=False):
    """A parameter as a float (or int), accepting numeric strings from a query string; ValueError if out of range."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if integer:
        if value != int(value):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        value = int(value)
    else:
        value = float(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be between {lo} and {hi}, got {value!r}")
    return value


def numbers(name, value, lo=None, hi=None, length=None, min_length=1, max_length=10):
    """A list parameter (a list/tuple or a comma-separated string) of numbers."""
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if isinstance(value, (int, float)):
        value = [value]
    if not isinstance(value, (list, tuple, np.ndarray)):
        # ValueError, not TypeError: callers turn every bad parameter into the same 4xx reply.
        raise ValueError(f"{name} must be a list of numbers, got {value!r}")  # noqa: TRY004
    out = [number(f"{name}[{i}]", v, lo, hi) for i, v in enumerate(value)]
    if length is not None and len(out) != length:
        raise ValueError(f"{name} must have {length} numbers, got {len(out)}")
    if not min_length <= len(out) <= max_length:
        raise ValueError(f"{name} must have between {min_length} and {max_length} numbers, got {len(out)}")
    return out


def choice(name, value, options):
    """value if it is one of options, else ValueError listing them."""
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {value!r}")
    return value
