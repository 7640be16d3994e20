#!/usr/bin/env python3
"""Containment figures: each hostile input or plugin class -> exit code, statuses, wall time, and
peak RSS of the harness and its workers (ru_maxrss of the waited-for tree, via /usr/bin/time).

    cargo build --release -p wasmbench && cargo test --no-run   # builds the guest plugins
    python3 scripts/containment-figures.py target/release/wasmbench
"""
import json, os, pathlib, subprocess, sys, tempfile, time

EXE = sys.argv[1]
ROOT = pathlib.Path(__file__).resolve().parent.parent
PLUGINS = str(ROOT / "target/wasm-plugins/wasm32-wasip2/release")
os.environ["WASMBENCH_PLUGIN_PATH"] = PLUGINS
W = pathlib.Path(tempfile.mkdtemp(prefix="m12-"))
DEF = '[defaults]\nwarmup = 1\nsamples = 2\nfuel_iterations = 1\nexecutions = 1\n'

def run(label, args, out=None, timeout=300):
    t = time.time()
    try:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", EXE] + args, capture_output=True, text=True, timeout=timeout, errors="replace")
        code = p.returncode
        peak_kib = int(p.stderr.strip().splitlines()[-1])
        err = "\n".join(p.stderr.strip().splitlines()[:-1])
    except subprocess.TimeoutExpired:
        code, peak_kib, err = "TIMEOUT", 0, ""
    dt = time.time() - t
    statuses = ""
    if out and (out / "results.json").exists():
        r = json.load(open(out / "results.json"))
        statuses = ", ".join(f'{b["id"]}={b["status"]}' for b in r["benches"])
    print(f"| {label} | {code} | {dt:.2f} s | {peak_kib/1024:.0f} MiB | {statuses} | {err.splitlines()[0][:150] if err else ''} |", flush=True)

def suite(name, text):
    p = W / name; p.write_text(text); return p

print("| case | exit | wall | peak RSS (harness+workers) | statuses | first stderr line |")
print("|---|---|---|---|---|---|")
run("suite = /dev/zero", ["run", "/dev/zero", "--out", str(W / "o0")])
fifo = W / "fifo.toml"; os.mkfifo(fifo)
run("suite = FIFO", ["run", str(fifo), "--out", str(W / "o1")])
run("results = /dev/urandom (report)", ["report", "/dev/urandom", "-o", str(W / "r.html")])
run("wasm = /etc/passwd", ["run", str(suite("passwd.toml", DEF + '[[bench]]\nid = "p"\nwasm = "/etc/passwd"\n')), "--out", str(W / "o2")])
run("fuel = u64::MAX", ["run", str(suite("fuel.toml", DEF + '[[bench]]\nplugin = "cpu"\nworkload = "fib"\nfuel = 18446744073709551615\n')), "--out", str(W / "o3")])
o = W / "o4"
run("duplicate workload", ["run", str(suite("dup.toml", DEF + '[[bench]]\nplugin = "hostile-listing"\nworkload = "twice"\n[[bench]]\nplugin = "hostile-listing"\nworkload = "once"\n')), "--out", str(o)], out=o)
for label, params, extra in [
    ("fields-hoard, counting pass (16 MiB)", 'count = 20000, bytes = "4 KiB"', 'memory = "16 MiB"'),
    ("fields-hoard, timed pass (16 MiB)", 'count = 40000, bytes = "4 KiB", from = 3', 'memory = "16 MiB"'),
    ("fields-hoard, 200k x 4 KiB (default 256 MiB)", 'count = 200000, bytes = "4 KiB"', ''),
    ("backend-hoard 128 x 16 MiB (64 MiB)", 'bytes = "16 MiB", puts = 128', 'memory = "64 MiB"'),
    ("overcount x4 instances", None, None),
    ("host-hasher 4 MiB x 10", 'bytes = "4 MiB", rounds = 10', ''),
]:
    o = W / ("o-" + label.split()[0] + str(abs(hash(label)) % 1000))
    if params is None:
        body = '[[bench]]\nid = "overcount"\nplugin = "misbehave"\nworkload = "overcount"\nparams = { units = 9223372036854775807 }\ninstances = 4\n'
    else:
        body = f'[[bench]]\nid = "x"\nplugin = "hostile"\nworkload = "{label.split()[0].replace(",", "")}"\nparams = {{ {params} }}\n{extra}\n'
    run(label, ["run", str(suite("s.toml", DEF + body)), "--out", str(o)], out=o)
    if "hasher" in label and (o / "results.json").exists():
        b = json.load(open(o / "results.json"))["benches"][0]
        print("   host:", b.get("host"), "fuel:", b["fuel"]["per_iteration"], "median ns:", b["wall_ns"]["summary"]["median"])
