"""Measure the built site with Lighthouse, served from 127.0.0.1 (not part of the build or CI).

Usage (Lighthouse from npm, installed outside the repository; Debian's Chromium):

    mkdir -p /tmp/lh && (cd /tmp/lh && npm i lighthouse@12)
    make demo                                    # every page type: trend, changes, memos
    python bench/lighthouse.py site --lighthouse /tmp/lh/node_modules/.bin/lighthouse

It serves SITE with Python's http.server, runs Lighthouse (desktop and mobile presets) on one
page of every type (``--pages`` picks some: ``--pages followup.html matrix.html``) and prints
a markdown table of the performance, accessibility and best-practices scores (the figures in
docs/lighthouse.md). By default the files go uncompressed, the strictest case: on Lighthouse's
simulated slow 4G every byte of a page counts. ``--gzip`` serves HTML, CSS and JavaScript
gzip-compressed, as a web host does (a shared drive opened from file:// has no network).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices")
# One page of each type; "first:<folder>" is the first page in that folder.
PAGE_TYPES = {
    "overview": "index.html", "executive summary": "summary.html",
    "follow-up list": "followup.html", "escalation": "escalation.html",
    "type × group table": "matrix.html", "trend": "trend.html", "changes": "changes.html",
    "meeting index": "meeting/index.html", "meeting page": "first:meeting",
    "satisfaction": "satisfaction.html", "data quality": "quality.html",
    "inspectors": "inspectors/index.html", "inspector page": "first:inspectors",
    "agency page": "first:agencies", "directive page": "first:directives",
    "one-file overview": "tidtam-overview.html",
}
COMPRESSED = (".html", ".css", ".js", ".json", ".svg")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _Gzip(_Quiet):
    """Text files gzip-compressed when the browser accepts it, as a web host serves them."""

    def send_head(self):  # noqa: ANN201 (http.server's own signature)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.is_file() or path.suffix not in COMPRESSED
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, compress: bool = False) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``site`` on an ephemeral 127.0.0.1 port in a background thread."""
    handler = _Gzip if compress else _Quiet
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def resolve(site: Path, rel: str) -> str | None:
    """A page's path in ``site``; ``first:<folder>`` is that folder's first page. None when
    the site has no such page (a build without history has no trend points to compare)."""
    if rel.startswith("first:"):
        pages = sorted(p for p in (site / rel[6:]).glob("*.html") if p.name != "index.html")
        return pages[0].relative_to(site).as_posix() if pages else None
    return rel if (site / rel).is_file() else None


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
    parser.add_argument("--pages", nargs="+", metavar="PATH",
                        help="pages to measure (default: one of every type)")
    parser.add_argument("--gzip", action="store_true",
                        help="serve text files compressed, as a web host does")
    args = parser.parse_args()
    wanted = {p: p for p in args.pages} if args.pages else PAGE_TYPES
    pages = {}
    for name, rel in wanted.items():
        path = resolve(args.site, rel)
        if path is None:
            print(f"skipped {name}: {rel} is not in {args.site}")
        else:
            pages[f"{name} ({path})" if name != path else path] = path
    server, base = serve(args.site, compress=args.gzip)
    print(f"served {'gzip-compressed' if args.gzip else 'uncompressed'}; "
          "performance / accessibility / best practices\n")
    print("| page | desktop | mobile |")
    print("|---|---|---|")
    try:
        for name, rel in pages.items():
            cells = []
            for preset in ("desktop", "mobile"):
                s = measure(args.lighthouse, f"{base}/{rel}", preset, args.chromium)
                cells.append(" / ".join(str(s[c]) for c in CATEGORIES))
            print(f"| {name} | {cells[0]} | {cells[1]} |", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
