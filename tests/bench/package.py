"""Benchmark: the size of what Lambda gets, built by `chalice package` exactly as a deploy
builds it (offline once the layer is cached in .chalice/deployments/).

The function's own zip holds the app (app.py, chalicelib/ with its pages and templates); the
dependencies, boto3 and botocore included, sit in chalice's automatic layer, uploaded again
only when requirements.txt changes, without the dependencies' test folders (infra/layer.py;
see README, "Deploying to AWS"). Target: the function's zip at
most 8 MB. `make bench` runs it; prints, and exits 1 above the target.
"""
from __future__ import annotations

import collections
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CHALICE = ROOT / ".venv" / "bin" / "chalice"
TARGET_MB = 8.0


def build(stage: str, out: Path) -> None:
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION",
                                                                "ap-southeast-3")}
    subprocess.run([str(CHALICE), "package", "--stage", stage, str(out)], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def largest(path: Path, count: int = 4) -> str:
    sizes: collections.Counter = collections.Counter()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            # a layer's files sit under python/lib/python3.x/site-packages/
            name = info.filename.split("site-packages/", 1)[-1]
            top = name.split("/")[0]
            sizes[top] += info.compress_size
    return ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.most_common(count))


def main(stage: str = "prod") -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build(stage, out)
        function = out / "deployment.zip"
        layer = out / "layer-deployment.zip"
        if layer.exists():
            from infra.layer import strip  # as deploy.sh uploads it

            strip(str(layer))
        mb = function.stat().st_size / 1e6
        print(f"function zip ({stage}):            {mb:.2f} MB (target <= {TARGET_MB:.0f} MB): "
              f"{largest(function)}")
        if layer.exists():
            print(f"dependency layer (boto3 pinned): {layer.stat().st_size / 1e6:.2f} MB: "
                  f"{largest(layer)}")
            print(f"function + layer alone import the app: {imports_alone(function, layer)}")
        return 0 if mb <= TARGET_MB else 1


def imports_alone(function: Path, layer: Path) -> str:
    """Import `app` in an isolated interpreter (-I -S: no site-packages, no project folder) from the
    two zips only, as Lambda does: proof that the package holds what the app runs."""
    with tempfile.TemporaryDirectory() as tmp:
        fn, lib = Path(tmp) / "task", Path(tmp) / "opt"
        zipfile.ZipFile(function).extractall(fn)
        zipfile.ZipFile(layer).extractall(lib)
        site = next(lib.glob("python/lib/python3*/site-packages"))
        code = (f"import sys; sys.path[:0] = [{str(fn)!r}, {str(site)!r}]; import app; "
                "print(len(app.app.routes))")
        env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "ap-southeast-3",
               "ANTRE_STAGE": "prod"}
        run = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=fn, env=env,
                             capture_output=True, text=True)
        if run.returncode:
            return "NO: " + run.stderr.strip().splitlines()[-1]
        return f"yes ({run.stdout.strip()} routes)"


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
