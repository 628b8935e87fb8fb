"""``vmapx.tree_util``: pytrees with JAX's rules (``None`` is an empty node,
dict keys sorted, namedtuple / OrderedDict / defaultdict are nodes).

>>> from vmapx import tree_util
>>> tree_util.tree_map(lambda x: x * 2, {'a': 1, 'b': (2, None)})
{'a': 2, 'b': (4, None)}
"""
from ._src.tree import (tree_flatten, tree_unflatten, tree_leaves, tree_structure,  # noqa: F401
                        tree_map, tree_flatten_with_path, keystr, register_pytree_node,
                        register_pytree_node_class, PyTreeDef)
