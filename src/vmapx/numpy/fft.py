"""``vmapx.numpy.fft``."""
