"""The checkers the accessibility tests use: page-validation's PDF/UA-1 profile and axe-core in headless Chromium.

Chromium is Debian's (`make a11y-tools` installs it where missing), axe-core a pinned npm package in
`.a11y/`. Chromium runs with the flags this machine needs (no network, no sandbox as root) and a new
profile folder; axe runs inside a copy of the page and writes its violations into the page, which
Chromium prints with `--dump-dom` once the page's scripts are done (`--virtual-time-budget`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from sro_reporting.paths import project_root

AXE = project_root() / ".a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--allow-file-access-from-files"]
RUNNER = """
<script>%s</script>
<script>
axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(function (r) {
  var out = document.createElement("pre"); out.id = "axe-results";
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
  }));
  document.body.appendChild(out);
}).catch(function (e) {
  var out = document.createElement("pre"); out.id = "axe-results"; out.textContent = JSON.stringify([{id: "axe-error", help: String(e)}]);
  document.body.appendChild(out);
});
</script>
"""


def chromium() -> str | None:
    """Return the Chromium on this machine (Debian's), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_tools() -> str:
    """Return what the axe check lacks, in words, or an empty string."""
    lacks = [name for name, ok in (("chromium", chromium()), (f"axe-core ({AXE})", AXE.exists())) if not ok]
    return f"{' and '.join(lacks)} not installed: run `make a11y-tools`" if lacks else ""


def axe_violations(page: Path, timeout: float = 120) -> list[dict]:
    """Return axe-core's WCAG 2.1 A and AA violations of an HTML file, run in headless Chromium."""
    source = page.read_text()
    runner = RUNNER % (AXE.read_text(), json.dumps(WCAG_21_AA))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / page.name
        copy.write_text(source.replace("</body>", runner + "</body>", 1))
        result = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
             "--virtual-time-budget=60000", "--window-size=1280,1024", "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False)
    dom = result.stdout
    start = dom.find('<pre id="axe-results">')
    if start < 0:
        raise RuntimeError(f"axe did not finish on {page.name} (Chromium exit {result.returncode}): "
                           f"{result.stderr[-2000:]}")
    body = dom[start + len('<pre id="axe-results">'):dom.index("</pre>", start)]
    import html

    return json.loads(html.unescape(body))


def pdf_ua_failures(pdf: Path) -> list[str]:
    """Return page-validation's PDF/UA-1 failures of a PDF, as `rule: message` lines (none: it passes)."""
    import page

    report = page.validate_pdf(str(pdf), profile="ua1")
    return [] if report.is_compliant else [f"{f.rule_id}: {f.message}" for f in report.failures]


def main(argv: list[str] | None = None) -> int:
    """Check every PDF and HTML report of a run folder: `python tests/accessibility.py outputs/demo`."""
    import sys

    folder = Path((argv or sys.argv[1:] or ["outputs/demo"])[0])
    failed = 0
    for pdf in sorted(folder.rglob("*.pdf")):
        found = pdf_ua_failures(pdf)
        failed += bool(found)
        print(f"{'FAIL' if found else 'ok  '} PDF/UA-1  {pdf.name}" + "".join(f"\n     {f}" for f in found[:5]))
    lacking = missing_tools()
    if lacking:
        print(f"HTML not checked: {lacking}")
        return 1
    for page in sorted(folder.rglob("*.html")):
        found = axe_violations(page)
        failed += bool(found)
        print(f"{'FAIL' if found else 'ok  '} WCAG 2.1 AA  {page.name}" + "".join(
            f"\n     {v['id']}: {v['help']} ({len(v.get('nodes', []))} nodes)" for v in found[:5]))
    print(f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
