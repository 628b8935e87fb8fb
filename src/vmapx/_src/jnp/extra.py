"""Further ``vmapx.numpy`` functions composed from the others."""
from __future__ import annotations

__all__: list = []
