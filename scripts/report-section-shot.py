#!/usr/bin/env python3
"""A screenshot of one bench's section of an HTML report (its details: facts, charts, host-call
table, flamegraph), for closing notes and docs. The report is copied with a style that hides the
other sections; the page itself is unchanged.

    scripts/report-section-shot.py reports/guide/report.html fs-read/stream shot.png [--width 1200]

Needs Debian's `chromium`.
"""
import argparse
import html
import re
import subprocess
import tempfile
from pathlib import Path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("report")
    p.add_argument("bench")
    p.add_argument("png")
    p.add_argument("--width", type=int, default=1200)
    p.add_argument("--height", type=int, default=2400)
    a = p.parse_args()
    page = Path(a.report).read_text()
    found = re.search(
        r'<details class="bench" id="(bench-\d+)"[^>]*>\s*<summary>(?:(?!</summary>).)*?<code>'
        + re.escape(html.escape(a.bench, quote=False))
        + "</code>",
        page,
        re.S,
    )
    if not found:
        raise SystemExit(f"no bench {a.bench!r} in {a.report}")
    anchor = found.group(1)
    style = (
        "<style>body > :not(main), main > :not(#details), #details > :not(details), "
        f"#details > details:not(#{anchor}) {{ display: none !important; }}</style>"
    )
    page = page.replace("</head>", style + "</head>", 1)
    page = page.replace(f'id="{anchor}"', f'id="{anchor}" open', 1)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "section.html"
        copy.write_text(page)
        subprocess.run(
            [
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", f"--user-data-dir={tmp}/profile",
                f"--window-size={a.width},{a.height}", f"--screenshot={Path(a.png).resolve()}",
                f"file://{copy}",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )


if __name__ == "__main__":
    main()
