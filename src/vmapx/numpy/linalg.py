"""``vmapx.numpy.linalg``."""
