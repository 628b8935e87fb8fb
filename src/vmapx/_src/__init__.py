"""vmapx internals: the core, the transforms, the primitives and the numpy layer."""
