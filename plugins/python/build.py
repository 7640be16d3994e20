#!/usr/bin/env python3
"""Builds the Python example plugins into WebAssembly components with componentize-py.

    python3 plugins/python/build.py OUT_DIR [FOLDER...]

Every folder here with an `app.py` (or the FOLDERs named) becomes `OUT_DIR/py-<folder>.wasm`, against
the WIT contract in plugins/wit, with the SDK (plugins/sdk-py) on the module path. A component newer
than all of its inputs is kept. The sources are staged in a temporary folder, so the build leaves no
__pycache__ in the tree. Needs componentize-py 0.25.1 (`pip install componentize-py==0.25.1`).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGINS = os.path.dirname(HERE)
SDK = os.path.join(PLUGINS, "sdk-py")
WIT = os.path.join(PLUGINS, "wit")
VERSION = "0.25.1"


def componentize_py():
    """The command that runs componentize-py, or None."""
    exe = shutil.which("componentize-py")
    if exe:
        return [exe]
    probe = subprocess.run([sys.executable, "-c", "import componentize_py"], capture_output=True)
    return [sys.executable, "-m", "componentize_py"] if probe.returncode == 0 else None


def sources(folder):
    """The .py files of a folder but its tests (not recursive: the examples are flat)."""
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if f.endswith(".py") and not f.startswith("test_"))


def examples():
    return sorted(f for f in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, f, "app.py")))


def inputs(folder):
    wit = [os.path.join(WIT, f) for f in os.listdir(WIT) if f.endswith(".wit")]
    return sources(folder) + sources(SDK) + wit + [os.path.abspath(__file__)]


def up_to_date(out, folder):
    if not os.path.exists(out):
        return False
    built = os.path.getmtime(out)
    return all(os.path.getmtime(f) < built for f in inputs(folder))


def build(command, name, out):
    """Stages the app and the SDK in a temporary folder and componentizes them; returns the seconds."""
    folder = os.path.join(HERE, name)
    with tempfile.TemporaryDirectory(prefix="wasmbench-py-") as stage:
        src = os.path.join(stage, "src")
        os.mkdir(src)
        for f in sources(SDK) + sources(folder):
            shutil.copy2(f, src)
        tmp_out = os.path.join(stage, "out.wasm")
        started = time.monotonic()
        result = subprocess.run(
            command + ["-d", WIT, "-w", "plugin", "componentize", "app", "-p", src, "-o", tmp_out],
            cwd=stage, capture_output=True, text=True,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        seconds = time.monotonic() - started
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit("build.py: componentize-py failed for %s (exit %d)" % (name, result.returncode))
        shutil.move(tmp_out, out)
    return seconds


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stderr.write(__doc__.lstrip())
        return 0 if len(argv) >= 2 else 2
    out_dir = argv[1]
    names = argv[2:] or examples()
    unknown = [n for n in names if n not in examples()]
    if unknown:
        sys.stderr.write("build.py: no example named %s (there are: %s)\n"
                         % (", ".join(unknown), ", ".join(examples())))
        return 2
    command = componentize_py()
    if command is None:
        sys.stderr.write("build.py: componentize-py not found; install it with "
                         "`pip install componentize-py==%s`\n" % VERSION)
        return 2
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        out = os.path.join(out_dir, "py-%s.wasm" % name)
        if up_to_date(out, os.path.join(HERE, name)):
            print("py-%s: up to date (%s, %.1f MB)" % (name, out, os.path.getsize(out) / 1e6))
            continue
        seconds = build(command, name, out)
        print("py-%s: built in %.1f s (%s, %.1f MB)" % (name, seconds, out, os.path.getsize(out) / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
