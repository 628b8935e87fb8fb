"""The implementation of ``vmapx.random``: keys, raw samplers, continuous,
discrete and gamma-family samplers (one module each)."""
