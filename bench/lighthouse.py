"""Measure the built site with Lighthouse, served from 127.0.0.1 (not part of the build or CI).

Usage (Lighthouse from npm, installed outside the repository; Debian's Chromium):

    mkdir -p /tmp/lh && (cd /tmp/lh && npm i lighthouse@12)
    tidtam build --source sample/data --as-of 2024-07-31 --out site
    python bench/lighthouse.py site --lighthouse /tmp/lh/node_modules/.bin/lighthouse

It serves SITE with Python's http.server, runs Lighthouse (desktop and mobile presets) on the
overview and on one agency page, and prints a markdown table of the performance,
accessibility and best-practices scores (the figures in docs/lighthouse.md).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tidtam.render.urls import agency_path

CATEGORIES = ("performance", "accessibility", "best-practices")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``site`` on an ephemeral 127.0.0.1 port in a background thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(lighthouse: str, url: str, preset: str, chromium: str) -> dict[str, int]:
    """One Lighthouse run; the category scores out of 100."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        args = [lighthouse, url, "--quiet", "--output=json", f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
        if preset == "desktop":
            args.append("--preset=desktop")
        subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": chromium},
                       stdout=subprocess.DEVNULL)
        data = json.loads(report.read_text(encoding="utf-8"))
    return {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--lighthouse", required=True, help="path of the lighthouse command")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--agency", default="สำนักงานเขตบางรัก")
    args = parser.parse_args()
    server, base = serve(args.site)
    pages = {"overview (index.html)": "index.html",
             f"agency page ({agency_path(args.agency)})": agency_path(args.agency)}
    print("| page | preset | performance | accessibility | best practices |")
    print("|---|---|---|---|---|")
    try:
        for name, rel in pages.items():
            for preset in ("desktop", "mobile"):
                s = measure(args.lighthouse, f"{base}/{rel}", preset, args.chromium)
                print(f"| {name} | {preset} | {s['performance']} | {s['accessibility']} | "
                      f"{s['best-practices']} |", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
