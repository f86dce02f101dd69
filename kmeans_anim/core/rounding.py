"""The rounding constants the error bounds are written with (see docs/core-numerics.md)."""

from __future__ import annotations

__all__ = ["SLACK", "SUBNORMAL", "U32", "U64"]

#: Relative margin in bound tests, far above the rounding that a bound accumulates over
#: an iteration (~1e-16) or even a million of them.
SLACK = 1e-9
#: Unit roundoff of float32 and of float64 (half their machine epsilon).
U32, U64 = 2.0**-24, 2.0**-53
#: The smallest float64 above 0. Below 2^-1022 values lose relative precision: an
#: operation is then off by up to half of this, so error bounds add a multiple of it.
SUBNORMAL = 2.0**-1074
