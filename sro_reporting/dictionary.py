"""The data dictionary for analysts and data owners, written from the package's own schemas."""

from __future__ import annotations

from sro_reporting.linking.addresses import SUFFIXES
from sro_reporting.reading.codes import AGE_BANDS, CODE_SETS
from sro_reporting.reading.parse import RULES
from sro_reporting.reading.tables import PERSON_IDENTIFYING, TABLES, Column

KIND_TEXT = {
    "str": "text", "int": "whole number", "float": "number", "bool": "yes/no",
    "date": "date", "datetime": "date and time", "time": "time of day (HH:MM)",
    "code": "code", "codelist": "codes, `;`-separated",
}


def _cell(text: str) -> str:
    """Return text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def _values(column: Column) -> str:
    """Return a column's allowed values in words."""
    parts = []
    if column.codes is not None:
        parts.append(f"[{column.codes.name}](#{column.codes.name.replace('_', '-')}) codes")
    if column.min is not None:
        parts.append(f">= {column.min:g}")
    if column.max is not None:
        parts.append(f"<= {column.max:g}")
    if column.unique:
        parts.append("unique")
    return ", ".join(parts)


def _table_section(name: str) -> list[str]:
    table = TABLES[name]
    lines = [f"### `{name}`", "", table.purpose + (" Optional." if table.optional else ""), "",
             "| column | type | required | allowed values | notes |", "|---|---|---|---|---|"]
    for c in table.columns:
        lines.append(f"| `{c.name}` | {KIND_TEXT[c.kind]} | {'yes' if c.required else 'no'} | "
                     f"{_values(c)} | {_cell(c.notes)} |")
    if table.aliases:
        mapped = ", ".join(f"`{a}` -> `{c}`" for a, c in table.aliases.items())
        lines += ["", (f"Also read: the city's public call layout ({mapped}; `location` and "
                       "`nature_of_call` as named); priority is then `not recorded`.")]
    return lines + [""]


def _code_sections() -> list[str]:
    lines = []
    for name, codes in CODE_SETS.items():
        lines += [f"### {name}", "", "| code | label | accepted variants (any case, trimmed) |", "|---|---|---|"]
        for code in codes.codes:
            variants = ", ".join(f"`{v}`" for v in codes.variants.get(code, ()))
            if codes.blank == code:
                variants = ", ".join(x for x in (variants, "blank") if x)
            lines.append(f"| `{code}` | {codes.label(code)} | {variants} |")
        lines.append("")
    return lines


def render() -> str:
    """Return the data dictionary as Markdown."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the package's schemas by `sro-report data-dictionary`; a test fails when this",
        "file and the schemas differ. The contract it implements is `docs/data-contract.md`.",
        "",
        "## Files",
        "",
        "One file per table in a data folder: `<table>.csv` (UTF-8, header row) or `<table>.xlsx`",
        "(first sheet). Column names match in any case after trimming, with spaces, hyphens or",
        "slashes read as `_`. Extra columns are ignored. These person-identifying columns are",
        "dropped as the file is read, in every table: " + ", ".join(f"`{c}`" for c in sorted(PERSON_IDENTIFYING)) + ".",
        "",
        "## Value formats",
        "",
        "| type | accepted | a bad value is reported as |",
        "|---|---|---|",
        "| date | `YYYY-MM-DD`, `M/D/YYYY` | " + _cell(RULES["date"]) + " |",
        "| date and time | `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]`, `M/D/YYYY H:MM[:SS] [AM/PM]` | "
        + _cell(RULES["datetime"]) + " |",
        "| yes/no | true/false, yes/no, y/n, 1/0, any case; blank = unknown | " + _cell(RULES["bool"]) + " |",
        "| whole number | `12`, `12.0` | " + _cell(RULES["int"]) + " |",
        "| time of day | `HH:MM` | " + _cell(RULES["time"]) + " |",
        "",
        "IDs are text: leading zeros are kept. A bad value in a required column leaves the row out;",
        "in an optional column it is read as blank (or the code set's unknown code). Both are logged.",
        "",
        "## Tables",
        "",
    ]
    for name in TABLES:
        lines += _table_section(name)
    lines += ["## Code sets", ""] + _code_sections()
    lines += ["### age bands", "", "Demographic tables band ages as " + ", ".join(f"`{b}`" for b in AGE_BANDS)
              + " (Wisconsin treats 17-year-olds as adults in criminal matters, so 17 stands alone).", ""]
    lines += [
        "## Linking a call to a school",
        "",
        "In this order; the link type is kept on every call as `link_type`:",
        "",
        "1. `premise`: the call's `school_id` is a known school. An unknown one is a warning, and the",
        "   call goes on to the address rules.",
        "2. `on_property`: the normalized location equals a school's normalized address. Schools that",
        "   share a building share an address: the call goes to the smaller `school_id` (compared as text).",
        "3. `adjacent`: same normalized street (directional, name, suffix) and hundred-block (house",
        "   number // 100), CAD block forms (`1000 BLOCK N 12TH ST`) included; the nearest house",
        "   number wins, then the smaller `school_id`.",
        "",
        "Normalization: upper case; punctuation dropped; NORTH/SOUTH/EAST/WEST as N/S/E/W; street",
        "suffixes as USPS abbreviations (" + ", ".join(f"{k} -> {v}" for k, v in SUFFIXES.items() if k != v)
        + "); ordinals as digits and suffix (`12 ST` and `TWELFTH ST` -> `12TH ST`); units (`APT`,",
        "`UNIT`, `STE`, `RM`, `#`, ...) and trailing city parts (`,MKE`, `MILWAUKEE`, `WI`, a ZIP) dropped.",
        "",
    ]
    lines += _library_section()
    return "\n".join(lines)


def _library_section() -> list[str]:
    """Return the section on the library: what `import sro_reporting as sro` holds, a line each."""
    import sro_reporting

    lines = ["## The library", "",
             "`import sro_reporting as sro` holds these (`dir(sro)`, tab completion; `help(sro.population)` for",
             "one in full). Each is imported at its first use. Tables of schools (`population.by_place`,",
             "`enforcement.by_school`, `activity.by_school`) end with the rows after the schools and a `row`",
             "column (`school`, `elsewhere`, `total`): keep `row == \"school\"` before merging two of them by",
             "`school_id`.", "", "| name | what it is |", "|---|---|"]
    lines += [f"| `sro.{name}` | {_cell(line)} |" for name, line in sro_reporting.contents().items()]
    lines += ["", "### Functions of each module", ""]
    for name, module in sro_reporting.SURFACE.items():
        if module.rsplit(".", 1)[-1] == name:
            lines += [f"- `sro.{name}`: " + "; ".join(f"`{f}` ({_cell(doc)})" for f, doc in _functions(module))]
    return [*lines, ""]


def _functions(module: str) -> list[tuple[str, str]]:
    """Return a module's public functions and the first line of each one's docstring, read from its source."""
    import ast
    from pathlib import Path

    path = Path(__file__).parent.joinpath(*module.split(".")[1:]).with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.name, (ast.get_docstring(node) or "").split("\n", 1)[0].rstrip("."))
            for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]
