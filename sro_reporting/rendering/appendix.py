"""A report's appendix as a print page of its own, split off the body's (`rendering.join` joins their PDFs).

The appendix (`Report.appendix`, after the methods) holds the long per-school tables: in the annual
report they are most of the pages and most of WeasyPrint's time. Rendered as a second document, on a
second core, its pages are numbered A-1, A-2, so neither document waits for the other's page count.
"""

from __future__ import annotations

import html
import re

APPENDIX_CLASS = 'class="appendix"'  # on the appendix's heading (`Report.appendix`): the split's mark
APPENDIX_HEADING = f"<h2 {APPENDIX_CLASS}"
PAGE_END = '<div class="page-end"></div>'  # ends a print page that stands alone (`Report.page_end`); contents follow
_MAIN = '<main class="report">'
# The running header and footer of the body come from its title block (`string-set` in print.css); the
# appendix's page has none, so it sets the same strings from the body's text.
_RUNNING = {"doctitle": r'<h1 class="report-title">(.*?)</h1>',
            "audience": r'<p class="(?:internal|mps)-mark">(.*?)</p>',
            "synthetic": r'<p class="synthetic-mark">(.*?)</p>'}
_SEPARATOR = "  \u00b7  "  # after the synthetic mark, as print.css writes it
_PAGES = '@page { @bottom-right { content: string(synthetic) "Page A-" counter(page) " of A-" counter(pages); } }\n'
_CONTENTS = 'nav.toc .toc-appendix::after { content: leader(".") "A-1"; }\n'  # the body's entry for the appendix
# The body's pages are counted without the appendix's (rendered apart): its footer says the appendix follows, so
# "Page 1 of 11" does not read as the whole of a 19-page file.
_BODY_PAGES = ('@page { @bottom-right { content: string(synthetic) "Page " counter(page) " of " counter(pages) '
               '" + appendix A"; } }\n')
_LINK = re.compile(r'<a href="#([^"]+)">(.*?)</a>', re.DOTALL)


def _css_string(text: str) -> str:
    r"""Return text as a CSS string literal that can stand inside a `<style>` element.

    >>> print(_css_string('A "B" </style>\r\n'))
    "A \"B\" \3C /style>  "
    """
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return '"' + re.sub(r"[\r\n\f]", " ", text) + '"'


def _running_strings(page: str) -> str:
    """Return the CSS that gives the appendix's pages the body's running header and footer."""
    found = []
    for name, pattern in _RUNNING.items():
        match = re.search(pattern, page, re.DOTALL)
        if match:
            text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
            found.append(f"{name} {_css_string(text + (_SEPARATOR if name == 'synthetic' else ''))}")
    return f"main.report {{ string-set: {', '.join(found)}; }}\n" if found else ""


def _unlinked(part: str, ids: set[str], heading: str) -> str:
    """Return a part with its links into the other part made text: the appendix heading's entry in the contents
    reads "A-1"; any other such link would point into another document."""
    def text(match: re.Match) -> str:
        if match.group(1) not in ids:
            return match.group(0)
        kind = ' class="toc-appendix"' if match.group(1) == heading else ""
        return f"<span{kind}>{match.group(2)}</span>"

    return _LINK.sub(text, part)


def split(page: str) -> tuple[str, str | None]:
    """Return a finished print page as the body's page and the appendix's (None where there is no appendix)."""
    start = page.find(APPENDIX_HEADING)
    if start < 0 or _MAIN not in page[:start] or "</main>" not in page[start:]:
        return page, None
    body_from, body_to = page.index(_MAIN) + len(_MAIN), page.rindex("</main>")
    body, extra = page[:start] + page[body_to:], page[start:]
    heading = re.match(rf'{APPENDIX_HEADING} id="([^"]+)"', extra)
    extra_ids = set(re.findall(r'\bid="([^"]+)"', extra))
    body = _unlinked(body, extra_ids, heading.group(1) if heading else "")
    extra = _unlinked(extra, set(re.findall(r'\bid="([^"]+)"', body)), "")
    head = page[:body_from].replace("</style>", _PAGES + _running_strings(page[:start]) + "</style>", 1)
    return body.replace("</style>", _CONTENTS + _BODY_PAGES + "</style>", 1), head + extra
