"""Units for the figure scripts' Markdown tables (imported by them, not run)."""


def duration(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.0f} ns"


def count(n):
    return f"{n / 1e6:.3g} M" if n >= 1e6 else (f"{n / 1e3:.3g} k" if n >= 1e3 else f"{n:g}")


def size(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            return f"{n / div:.3g} {unit}"
    return f"{n} B" if n else "—"
