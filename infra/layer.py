"""Takes the dependencies' own test folders out of the dependency layer chalice builds.

With `"automatic_layer": true`, chalice builds the layer of requirements.txt into
`.chalice/deployments/managed-layer-<hash>-<runtime>.zip` and reuses that file until
requirements.txt changes; `deploy.sh` builds it (`chalice package`), runs this, and then
`chalice deploy` uploads the file as stripped here. Lambda runs nothing from a `tests/` or
`test/` folder of a dependency (icalendar ships 0.24 MB of them). Modules that merely have
such a name (`jinja2/tests.py`) are kept: only whole folders go.

Run: `python3 -m infra.layer` (from the project's root).
"""
from __future__ import annotations

import glob
import os
import zipfile

TEST_FOLDERS = {"tests", "test"}


def is_test_file(name: str) -> bool:
    return any(part in TEST_FOLDERS for part in name.split("/")[:-1])


def strip(path: str) -> int:
    """Rewrite one layer zip without test folders; returns how many files went."""
    with zipfile.ZipFile(path) as z:
        entries = z.infolist()
        keep = [i for i in entries if not is_test_file(i.filename)]
        if len(keep) == len(entries):
            return 0
        tmp = path + ".tmp"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in keep:
                out.writestr(info, z.read(info))
    os.replace(tmp, path)
    return len(entries) - len(keep)


def main(root: str = ".chalice/deployments") -> None:
    for path in sorted(glob.glob(os.path.join(root, "managed-layer-*.zip"))):
        removed = strip(path)
        if removed:
            print(f"removed {removed} test files from {path}")


if __name__ == "__main__":
    main()
