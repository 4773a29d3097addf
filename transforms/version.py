"""The pipeline version stamped on every published row."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata, resources


@lru_cache(maxsize=8)
def pipeline_version(model_name: str, model_version: str) -> str:
    """ "wirehouse <package version>+rules.<digest of the rule files> <model>@<model version>":
    changes when the code release, any rule file or the spaCy model changes."""
    try:
        package = metadata.version("wirehouse")
    except metadata.PackageNotFoundError:
        package = "0+unknown"
    digest = hashlib.sha256()
    rules = resources.files("transforms.rules")
    for name in sorted(entry.name for entry in rules.iterdir() if entry.name.endswith(".yaml")):
        digest.update(name.encode())
        digest.update(rules.joinpath(name).read_bytes())
    return f"wirehouse {package}+rules.{digest.hexdigest()[:10]} {model_name}@{model_version}"
