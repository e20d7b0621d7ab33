"""Stand-in for the get-pip script ansible-test downloads: bootstrap pip with ensurepip.

Usage as ansible-test calls it: ``python get_pip.py pip==<version> ...``. ensurepip installs the
pip that ships with Python; the requested pip is then installed from the configured package index.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    saved = os.environ.get("PIP_CONFIG_FILE")
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True)
    # ensurepip points PIP_CONFIG_FILE at /dev/null for its own run; give pip back its configuration.
    if saved is None:
        os.environ.pop("PIP_CONFIG_FILE", None)
    else:
        os.environ["PIP_CONFIG_FILE"] = saved
    wanted = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    if wanted:
        subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", *wanted], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
