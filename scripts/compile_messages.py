#!/usr/bin/env python3
"""Compile gettext catalogues (.po → .mo) without GNU gettext.

`make messages` runs `django-admin compilemessages` when `msgfmt` is on PATH and this script
otherwise, so that a machine with nothing but python3 still gets its translations. It follows
what CPython's Tools/i18n/msgfmt.py and GNU msgfmt do for the files this project has: msgctxt,
multi-line strings, plural forms; fuzzy and untranslated entries are left out (the header is
always kept). Only the standard library is used.

Usage: compile_messages.py [PATH ...]   (directories are searched for .po files under a
``locale`` folder; default: the repository root). A .mo newer than its .po is left alone.
"""

from __future__ import annotations

import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "venv", ".git", "node_modules", "var", "staticfiles", "__pycache__"}

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.DOTALL)


class PoError(ValueError):
    pass


def _unquote(token: str, where: str) -> str:
    """Turn one C string literal ("…") into its text."""
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise PoError(f"{where}: expected a quoted string, got {token!r}")

    def replace(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc[0] == "x":
            return chr(int(esc[1:], 16))
        if esc[0] in "01234567":
            return chr(int(esc, 8))
        return _ESCAPES.get(esc, esc)  # \" \\ \? and unknown escapes stand for themselves

    return _ESCAPE_RE.sub(replace, token[1:-1])


def _charset(raw: bytes) -> str:
    match = re.search(rb"charset=([A-Za-z0-9_.:-]+)", raw)
    return match.group(1).decode("ascii") if match else "utf-8"


@dataclass
class _Entry:
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    plural_forms: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    def key_and_value(self) -> tuple[str, str, bool]:
        """The .mo key, the .mo value and whether anything is translated."""
        key = str(self.msgid)
        if self.msgid_plural is not None:
            forms = [self.plural_forms[i] for i in sorted(self.plural_forms)]
            key += "\0" + self.msgid_plural
            value, translated = "\0".join(forms), any(forms)
        else:
            value, translated = self.msgstr, bool(self.msgstr)
        if self.msgctxt is not None:
            key = f"{self.msgctxt}\x04{key}"
        return key, value, translated


def parse_po(path: Path) -> dict[str, str]:
    """Return {msg key: translation} as they go into the .mo file."""
    raw = path.read_bytes()
    text = raw.decode(_charset(raw))
    messages: dict[str, str] = {}
    entry = _Entry()
    section: tuple[str, int | None] | None = None  # the field that continuation lines extend

    def flush() -> None:
        nonlocal entry
        if entry.msgid is not None:
            key, value, translated = entry.key_and_value()
            is_header = entry.msgid == "" and entry.msgctxt is None
            if is_header or (translated and not entry.fuzzy):
                messages[key] = value
        entry = _Entry()

    for lineno, line in enumerate(text.splitlines(), 1):
        where = f"{path}:{lineno}"
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            # A comment after a message's strings starts the next entry.
            if section is not None:
                flush()
                section = None
            if line.startswith("#,") and "fuzzy" in (flag.strip() for flag in line[2:].split(",")):
                entry.fuzzy = True
            continue
        if line.startswith('"'):
            if section is None:
                raise PoError(f"{where}: continuation line outside an entry")
            name, index = section
            if index is None:
                setattr(entry, name, getattr(entry, name) + _unquote(line, where))
            else:
                entry.plural_forms[index] += _unquote(line, where)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and section is not None and section[0].startswith("msgstr"):
            flush()
        if keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            setattr(entry, keyword, _unquote(rest, where))
            section = (keyword, None)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            entry.plural_forms[index] = _unquote(rest, where)
            section = ("msgstr[]", index)
        else:
            raise PoError(f"{where}: unexpected line {line!r}")
    flush()
    return messages


def write_mo(messages: dict[str, str], target: Path) -> None:
    """Write a little-endian GNU .mo file (no hash table, keys sorted as msgfmt does)."""
    keys = sorted(messages, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [messages[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8

    offsets: list[tuple[int, int]] = []
    data = bytearray()
    for blob in ids + strs:
        offsets.append((len(blob), data_start + len(data)))
        data += blob + b"\0"

    output = bytearray(struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, data_start))
    for length, offset in offsets:
        output += struct.pack("<2I", length, offset)
    output += data
    tmp = target.with_suffix(".mo.tmp")
    tmp.write_bytes(bytes(output))
    tmp.replace(target)


def find_po_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for base in paths:
        if base.is_file():
            found.append(base)
            continue
        stack = [base]
        while stack:
            folder = stack.pop()
            for child in sorted(folder.iterdir()):
                if child.is_dir() and child.name not in SKIP_DIRS:
                    stack.append(child)
                elif child.suffix == ".po" and "locale" in child.relative_to(base).parts[:-1]:
                    found.append(child)
    return sorted(found)


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [ROOT]
    status = 0
    for po in find_po_files(paths):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            write_mo(parse_po(po), mo)
        except (PoError, UnicodeDecodeError, LookupError) as exc:
            print(f"error: {po}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"compiled {po} -> {mo.name}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
