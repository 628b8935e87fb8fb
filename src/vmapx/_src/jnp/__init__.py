"""The implementation of ``vmapx.numpy``: NumPy's signatures over primitives."""
