"""The wheel's build hook: the wheel carries YASGUI and Swagger UI, fetched and checked when it is built.

The front-end assets are never committed (``kkni_rdf/endpoint/assets.py``). When a wheel is built
(``pip install .``, ``pip wheel .``, ``python -m build``) this hook puts each pinned package's
files into it under ``kkni_rdf/endpoint/static/vendor/{name}/``: those ``make setup`` already
fetched into the checkout, where their INTEGRITY stamp names this exact version and integrity;
else fetched now by the same fetcher (``npm pack``, or the registry's tarball over HTTPS;
``npm_config_registry`` names a mirror) and checked against the pinned SHA-512 integrity. A build
that can do neither stops, saying why: a wheel without them would serve a pip user a lesser page.
``KKNI_WHEEL_WITHOUT_ASSETS=1`` builds one anyway (its pages fall back to the project's own editor).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "kkni_rdf/endpoint/static/vendor"


def _assets(root: Path) -> ModuleType:
    """``kkni_rdf/endpoint/assets.py`` by its path: it needs only the standard library, while importing
    the package (``kkni_rdf.endpoint``) would need its dependencies, absent from an isolated build."""
    spec = importlib.util.spec_from_file_location("_kkni_assets", root / "kkni_rdf" / "endpoint" / "assets.py")
    if spec is None or spec.loader is None:
        raise RuntimeError("cannot load kkni_rdf/endpoint/assets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


class AssetsHook(BuildHookInterface[Any]):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get("KKNI_WHEEL_WITHOUT_ASSETS") == "1":
            self.app.display_warning("KKNI_WHEEL_WITHOUT_ASSETS=1: the wheel carries neither YASGUI nor Swagger UI")
            return
        assets = _assets(Path(self.root))
        checkout = Path(self.root) / TARGET
        self._fetched = tempfile.TemporaryDirectory(prefix="kkni-assets-")
        fresh = Path(self._fetched.name)
        for pin in assets.PINS:
            folder = checkout if assets.fetched(pin, checkout) else fresh
            if folder is fresh:
                try:
                    assets.fetch((pin,), into=fresh)
                except assets.FetchError as exc:
                    raise RuntimeError(
                        f"kkni-rdf's wheel carries {pin.spec}, which could not be fetched: {exc}. "
                        "Fetch it first (make setup), name a registry mirror (npm_config_registry), "
                        "or build without it: KKNI_WHEEL_WITHOUT_ASSETS=1"
                    ) from None
                self.app.display_info(f"fetched and checked {pin.spec} ({pin.integrity[:20]}…)")
            for name in [*(Path(f).name for f in pin.files), "INTEGRITY"]:
                build_data["force_include"][str(folder / pin.name / name)] = f"{TARGET}/{pin.name}/{name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        fetched = getattr(self, "_fetched", None)
        if fetched is not None:
            fetched.cleanup()
