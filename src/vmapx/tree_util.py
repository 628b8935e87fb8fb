"""``vmapx.tree_util``: pytrees with JAX's rules (``None`` is an empty node,
dict keys sorted, namedtuple / OrderedDict / defaultdict are nodes) and JAX's
key paths (``SequenceKey``, ``DictKey``, ``GetAttrKey``, ``FlattenedIndexKey``).

>>> from vmapx import tree_util
>>> tree_util.tree_map(lambda x: x * 2, {'a': 1, 'b': (2, None)})
{'a': 2, 'b': (4, None)}
"""
from ._src.tree import (tree_flatten, tree_unflatten, tree_leaves, tree_structure,  # noqa: F401
                        tree_map, tree_flatten_with_path, tree_leaves_with_path,
                        tree_map_with_path, tree_all, tree_reduce, tree_reduce_associative,
                        tree_transpose, tree_broadcast, all_leaves, keystr,
                        treedef_is_leaf, treedef_children, treedef_tuple,
                        register_pytree_node, register_pytree_node_class,
                        register_pytree_with_keys, register_pytree_with_keys_class,
                        register_dataclass, register_static, Partial, PyTreeDef,
                        flatten_one_level, flatten_one_level_with_keys, is_tree_node,
                        default_registry,
                        SequenceKey, DictKey, GetAttrKey, FlattenedIndexKey, KeyEntry, KeyPath)
