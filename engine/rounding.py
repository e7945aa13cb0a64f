"""Whole percents for people, rounded the one way every page rounds them.

Python's round() sends halves to the even neighbour (round(56.5) == 56, round(57.5) == 58) and works on the binary
float, where 46/80 * 100 is 57.49999999999999. People, and the pages' JavaScript Math.round, round a half up. So every
percent a person sees is made here, in exact arithmetic.
"""

import math
import numbers
from decimal import Decimal
from fractions import Fraction

import numpy as np

_HALF = Fraction(1, 2)


def _exact(x, name):
    """x as an exact Fraction. A float is read as the decimal it prints as (0.575, not 0.57499999999999995559...)."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, Decimal)):
        raise TypeError(f"percent: {name} must be a number, not {type(x).__name__}")
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"percent: {name} must be finite, not {x}")
        return Fraction(x)
    if not math.isfinite(x):
        raise ValueError(f"percent: {name} must be finite, not {x}")
    # str() is the shortest decimal that reads back as the same float: repr for a Python float, and for a NumPy float
    # the shortest at its own precision (np.float32(0.575) prints "0.575", though float() of it is 0.57499998...).
    text = str(x) if isinstance(x, (float, np.floating)) else repr(float(x))
    return Fraction(text)


def percent(part, whole=1) -> int:
    """part / whole as a whole percent, a half rounded up: percent(46, 80) == 58, percent(1, 8) == 13.

    With one argument, part is a share (0.575 -> 58). Give counts as (part, whole) when you have them: the division
    is then exact. A float is taken as the decimal it prints as, so percent(0.575) == 58 although the binary double
    is a little below 0.575; a float that arithmetic left just below a half (0.5749999999999999) stays below it.
    Halves go towards +infinity, as Math.round does (-0.5% -> 0). Raises TypeError for a non-number (or a bool) and
    ValueError for an infinite or NaN value or a whole of 0.
    """
    top, bottom = _exact(part, "part"), _exact(whole, "whole")
    if bottom == 0:
        raise ValueError("percent: whole must not be 0")
    return math.floor(100 * top / bottom + _HALF)
