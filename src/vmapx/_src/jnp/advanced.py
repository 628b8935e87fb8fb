"""NumPy advanced indexing on traced arrays and functional ``.at[]`` updates."""
from __future__ import annotations

__all__ = ["advanced_getitem", "take_along_axis", "nonzero_sized", "IndexUpdateHelper"]


def advanced_getitem(x, index):
    raise NotImplementedError("integer-array indexing of traced arrays")


def take_along_axis(arr, indices, axis):
    raise NotImplementedError("take_along_axis")


def nonzero_sized(a, size, fill_value):
    raise NotImplementedError("nonzero with size")


class IndexUpdateHelper:
    def __init__(self, x):
        raise NotImplementedError(".at[] updates")
