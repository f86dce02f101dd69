"""The package's public names: each one is what its docs say (a class, a function or a
constant), never a submodule that happens to share its name."""

from __future__ import annotations

import importlib
import pkgutil
import types

import kmeans_anim


def test_every_public_name_resolves_to_its_object_after_every_submodule_is_imported():
    # importing a submodule binds its name on the package: a public function of the
    # same name would be shadowed by the module
    for info in pkgutil.walk_packages(kmeans_anim.__path__, "kmeans_anim."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in kmeans_anim.__all__:
        value = getattr(kmeans_anim, name)
        assert not isinstance(value, types.ModuleType), f"kmeans_anim.{name} is a module"
    assert callable(kmeans_anim.sweep) and callable(kmeans_anim.compare)
