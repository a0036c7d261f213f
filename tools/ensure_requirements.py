"""Install requirements.txt into this (Odoo's) interpreter, only when one is missing.

Usage: python tools/ensure_requirements.py requirements.txt
"""

import subprocess
import sys
from importlib import metadata

try:
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover - pip always vendors packaging
    from pip._vendor.packaging.requirements import Requirement


def unmet(path):
    missing = []
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            req = Requirement(line)
            if req.marker and not req.marker.evaluate():
                continue
            try:
                version = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                missing.append(line)
                continue
            if req.specifier and not req.specifier.contains(version, prereleases=True):
                missing.append(f"{line} (have {version})")
    return missing


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"
    missing = unmet(path)
    if not missing:
        return 0
    print("Installing into", sys.executable, ":", ", ".join(missing), flush=True)
    return subprocess.call([sys.executable, "-m", "pip", "install", "-q", "-r", path])


if __name__ == "__main__":
    sys.exit(main())
