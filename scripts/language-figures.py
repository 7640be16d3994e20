#!/usr/bin/env python3
"""The per-language table of the guide (docs/src/methodology/languages.md): for the same workloads
in Rust, JavaScript and Python — build time, component size, compile cold and cached, instantiate,
setup, and fuel and median wall time of fib(20) and cache-aside.

    cargo build --release -p wasmbench            # with componentize-js and componentize-py present
    python3 scripts/language-figures.py [--wasmbench target/release/wasmbench]

Builds every plugin again into a temporary folder (timed: Rust from warm dependencies after touching
the crate, JS and Python by their build scripts with --force / a fresh output), then runs one suite
twice on a fresh compile cache: the first run's compile is cold, the second's is a cache load. Each
figure is the timed pass's (a release build of the harness; fuel from the counting pass).
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import count, duration, size  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUEST_TARGET = ROOT / "target" / "wasm-plugins"
# (language, plugin for fib, plugin for cache-aside)
LANGUAGES = [("Rust", "cpu", "cache"), ("JavaScript", "js-cpu", "js-cache"), ("Python", "py-cpu", "py-cache")]


def timed(cmd, **kwargs):
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.monotonic() - start


def build_rust(crate, out):
    """Rebuilds one crate of plugins/ (dependencies warm) and copies its component to `out`."""
    env = {k: v for k, v in os.environ.items() if k not in ("RUSTFLAGS", "CARGO_TARGET_DIR")}
    (ROOT / "plugins" / crate / "src" / "lib.rs").touch()
    seconds = timed(["cargo", "build", "--release", "--target", "wasm32-wasip2", "-p", crate,
                     "--target-dir", str(GUEST_TARGET)], cwd=ROOT / "plugins", env=env)
    name = crate.replace("-", "_") + ".wasm"
    shutil.copy(GUEST_TARGET / "wasm32-wasip2" / "release" / name, out / f"{crate}.wasm")
    return seconds


def build_all(out):
    """Build seconds per plugin, each built alone into a fresh folder."""
    seconds = {}
    for _, fib, cache in LANGUAGES[:1]:
        for crate in (fib, cache):
            seconds[crate] = build_rust(crate, out)
    for plugin in ("js-cpu", "js-cache"):
        # build.mjs builds every example; time each from a fresh output folder of its own.
        folder = out / f"build-{plugin}"
        folder.mkdir()
        start = time.monotonic()
        subprocess.run(["node", str(ROOT / "plugins/js/build.mjs"), "--force", str(folder),
                        plugin.removeprefix("js-")], check=True, stdout=subprocess.DEVNULL)
        seconds[plugin] = time.monotonic() - start
        shutil.copy(folder / f"{plugin}.wasm", out / f"{plugin}.wasm")
    for plugin in ("py-cpu", "py-cache"):
        folder = out / f"build-{plugin}"
        folder.mkdir()
        seconds[plugin] = timed([sys.executable, str(ROOT / "plugins/python/build.py"), str(folder),
                                 plugin.removeprefix("py-")])
        shutil.copy(folder / f"{plugin}.wasm", out / f"{plugin}.wasm")
    return seconds


def suite(out):
    benches = []
    for _, fib, cache in LANGUAGES:
        benches.append(f'[[bench]]\nid = "{fib}/fib"\nwasm = "{out / (fib + ".wasm")}"\n'
                       f'workload = "fib"\nparams = {{ n = 20 }}\ngroup = "fib"\n')
        benches.append(f'[[bench]]\nid = "{cache}/aside"\nwasm = "{out / (cache + ".wasm")}"\n'
                       f'workload = "aside"\ngroup = "aside"\n')
    return ('[suite]\nname = "language-figures"\n'
            '[defaults]\nwarmup = 3\nsamples = 20\nexecutions = 2\nfuel_iterations = 2\n'
            'fuel = 50_000_000_000\nmemory = "128 MiB"\ndeadline = "30s"\n'
            '[backends]\nlatency_mode = "accounted"\nstore = "2ms"\nremote_cache = "200us"\n'
            + "".join(benches))


def run(wasmbench, suite_path, out, cache):
    env = dict(os.environ, WASMBENCH_CACHE_DIR=str(cache))
    subprocess.run([wasmbench, "run", str(suite_path), "--out", str(out), "-q"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    results = json.loads((out / "results.json").read_text())
    return {b["id"]: b for b in results["benches"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wasmbench", default=str(ROOT / "target/release/wasmbench"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="language-figures-") as tmp:
        tmp = pathlib.Path(tmp)
        built = tmp / "built"
        built.mkdir()
        seconds = build_all(built)
        suite_path = tmp / "suite.toml"
        suite_path.write_text(suite(built))
        cache = tmp / "cache"
        cold = run(args.wasmbench, suite_path, tmp / "cold", cache)
        warm = run(args.wasmbench, suite_path, tmp / "warm", cache)
        sizes = {p.stem: p.stat().st_size for p in built.glob("*.wasm")}

    print("| language | build | size | compile cold | compile cached | instantiate | setup "
          "| fib(20) fuel | fib(20) median | cache-aside fuel | cache-aside median |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for language, fib, cache_plugin in LANGUAGES:
        f_cold, f_warm = cold[f"{fib}/fib"], warm[f"{fib}/fib"]
        a_warm = warm[f"{cache_plugin}/aside"]
        for bench in (f_cold, f_warm, a_warm):
            if bench["status"] != "ok":
                sys.exit(f"{bench['id']}: {bench['status']}: {bench.get('message')}")
        assert not f_cold["phases"]["compile_cached"] and f_warm["phases"]["compile_cached"], fib
        builds = f"{seconds[fib]:.1f} s / {seconds[cache_plugin]:.1f} s"
        sized = f"{size(sizes[fib])} / {size(sizes[cache_plugin])}"
        print(f"| {language} | {builds} | {sized} "
              f"| {duration(f_cold['phases']['compile_ns'])} | {duration(f_warm['phases']['compile_ns'])} "
              f"| {duration(f_warm['phases']['instantiate_ns'])} "
              f"| {duration(f_warm['phases']['setup_ns'])} / {duration(a_warm['phases']['setup_ns'])} "
              f"| {count(f_warm['fuel']['per_iteration'])} | {duration(f_warm['wall_ns']['summary']['median'])} "
              f"| {count(a_warm['fuel']['per_iteration'])} | {duration(a_warm['wall_ns']['summary']['median'])} |")
    print("\nbuild and size: fib plugin / cache plugin; setup: fib / cache-aside. Checksums agree per "
          "workload across the three languages (each pair is one group).")


if __name__ == "__main__":
    main()
