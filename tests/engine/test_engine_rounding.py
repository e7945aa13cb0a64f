"""engine.percent: the one rounding of a share to a whole percent for people, a half always rounded up."""
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.rounding import percent


@pytest.mark.parametrize("part, whole, shown", [
    (1, 8, 13),  # 12.5: round() gives 12
    (46, 80, 58),  # 57.5: 100 * 46 / 80 is 57.49999999999999 in floats
    (113, 200, 57),  # 56.5: round() gives 56
    (5, 8, 63),  # 62.5
    (3, 8, 38),  # 37.5: here round() agrees
    (1, 200, 1), (199, 200, 100),  # 0.5 and 99.5
    (0, 7, 0), (7, 7, 100), (1, 3, 33), (2, 3, 67), (3, 2, 150),
    (np.int64(46), np.int64(80), 58),  # NumPy counts, as the plots pass them
])
def test_counts_round_a_half_up(part, whole, shown):
    assert percent(part, whole) == shown


@pytest.mark.parametrize("share, shown", [
    (0.125, 13), (0.575, 58), (0.565, 57), (0.625, 63), (0.005, 1), (0.995, 100), (0.0, 0), (1.0, 100), (1, 100),
    (np.float64(0.575), 58), (np.float32(0.575), 58), (np.float32(0.565), 57),
    (Fraction(23, 40), 58), (Decimal("0.565"), 57), (0.33333, 33), (0.9949, 99),
])
def test_a_share_rounds_a_half_up(share, shown):
    assert percent(share) == shown


def test_a_float_is_read_as_the_decimal_it_prints_as():
    # The double nearest 0.575 is a little below it, and so is 100 times the double of 46/80: plain arithmetic says 57.
    assert Fraction(0.575) < Fraction(575, 1000) and 100 * (46 / 80) < 57.5
    assert percent(0.575) == percent(46 / 80) == percent(46, 80) == 58
    # A float that arithmetic left just below a half prints below it, and is taken at its word.
    assert percent(0.5749999999999999) == 57 and percent(0.5750000000000001) == 58


def test_a_negative_half_goes_up_as_math_round_does():
    assert percent(-1, 200) == 0 and percent(-3, 200) == -1 and percent(-1, 8) == -12


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**6).flatmap(lambda whole: st.tuples(st.integers(0, whole), st.just(whole))))
def test_any_count_is_within_a_half_and_a_half_goes_up(counts):
    part, whole = counts
    shown = percent(part, whole)
    exact = Fraction(100 * part, whole)
    assert shown - Fraction(1, 2) <= exact < shown + Fraction(1, 2)
    assert percent(part / whole) == shown  # the float share of counts reads the same


@pytest.mark.parametrize("args, error, message", [
    ((1, 0), ValueError, "whole must not be 0"),
    ((float("nan"),), ValueError, "part must be finite"),
    ((float("inf"),), ValueError, "part must be finite"),
    ((1, float("-inf")), ValueError, "whole must be finite"),
    ((Decimal("NaN"),), ValueError, "part must be finite"),
    (("0.5",), TypeError, "part must be a number, not str"),
    ((None,), TypeError, "part must be a number, not NoneType"),
    ((True,), TypeError, "part must be a number, not bool"),
    ((1, [2]), TypeError, "whole must be a number, not list"),
])
def test_bad_input_is_refused_clearly(args, error, message):
    with pytest.raises(error, match=message):
        percent(*args)


def test_the_engine_exports_it():
    assert engine.percent is percent and "percent" in engine.__all__
