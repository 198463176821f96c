"""Rebuild Qt's ICU data library without the data Qt never reads (Linux).

PySide6's Linux wheels ship ICU, and ``libicudata.so.N`` (32 MB for ICU 73)
is the largest file in the bundle. It holds one ICU "common data" package,
exported as the symbol ``icudtN_dat``, that ``libicuuc`` reads through that
symbol. Qt (``libQt6Core``, the only ICU user in the bundle) calls ICU for
converters (``ucnv_*``: ``QStringDecoder``/``QStringEncoder`` for legacy
codecs), collation (``ucol_*``: ``QCollator``), time zones (``ucal_open``,
``ucal_getCanonicalTimeZoneID``, ``ucal_getTimeZoneDisplayName``) and
locale-aware case mapping (``u_strToUpper``/``u_strToLower``). It never
calls break iteration, number, date, currency, unit, transliteration or
display-name APIs, so the trees holding only their data are removed:

=========  ==========================================  ======
tree       read by                                     ICU 73
=========  ==========================================  ======
brkitr     ``ubrk_*`` (break iterators)                3.4 MB
unit       ``unum``/``MeasureFormat`` unit names       3.3 MB
curr       currency names and symbols                  3.0 MB
lang       ``uldn_*`` language display names           2.7 MB
translit   ``utrans_*`` transliterators                1.1 MB
rbnf       rule-based number formatting (spell-out)    0.6 MB
=========  ==========================================  ======

The conversion tables for legacy charsets (every root-level ``.cnv``: 5.1 MB
for ICU 73, Shift_JIS, GB18030, EBCDIC and the other table-driven codecs)
go too. Qt reaches them only through a ``QStringDecoder``/``QStringEncoder``
made from a charset name that is not one of Qt's own (UTF-8/16/32,
Latin-1, the locale's): in the bundled Qt libraries that happens only in
``QTextBrowser::setSource`` (an HTML file's ``<meta charset>``), in Qt's
print dialog (the PPD's encoding, which CUPS always reports as UTF-8) and
through the PySide6 bindings of those classes. The app has no
``QTextBrowser`` and decodes every file, feed and page in Python, whose
codecs are its own (``tests/test_packaging.py`` checks the app's code).
UTF-8, UTF-16, UTF-32, Latin-1 and US-ASCII are built into ICU's code and
work without tables, should anything ask ICU for them.

Everything else stays: the converter alias table (``cnvalias.icu``),
``coll/``, ``zone/`` and ``region/``, every root-level ``.res`` (locale data,
``supplementalData``, ``zoneinfo64``, ``metaZones``, ``likelySubtags``...),
normalization (``.nrm``), StringPrep (``.spp``) and confusables (``.cfu``).
``icupkg`` refuses to write a package in which a kept item refers to a
removed one (aliases, ``%%Parent``), which guards the choice of trees.

The rebuilt package is wrapped in a new shared library with the same
SONAME and the same exported symbol (``as`` with ``.incbin``, then
``ld -shared``), so ``libicuuc`` loads it unchanged. Offsets and the ICU
version are never hard-coded: the version comes from the library's file
name, the data's position from its ELF symbol table. ``exposure-app
--self-test`` then exercises what Qt uses ICU for (collation in Swedish and
German, a German time-zone name, Turkish upper-casing), so a bad rebuild
fails the build.

Needs ``icupkg`` (Debian/Ubuntu: ``icu-devtools``; Fedora: ``icu``; any
ICU version reads the package format) and binutils' ``as`` and ``ld``.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections.abc import Iterable
from pathlib import Path

from elf_sections import read_elf

#: Top-level trees of the ICU data package that Qt's ICU calls never open.
REMOVED_TREES = ("brkitr", "curr", "lang", "rbnf", "translit", "unit")

#: Root-level items by kind: ``.cnv`` are the legacy charsets' conversion tables,
#: which nothing in the app makes Qt open (see the module docstring).
REMOVED_ROOT_SUFFIXES = (".cnv",)

#: Trees that must survive, checked after trimming (Qt reads them).
REQUIRED_TREES = ("coll", "zone")

SHT_SYMTAB = 2
SHT_DYNSYM = 11
SHN_UNDEF = 0
SHN_LORESERVE = 0xFF00

ICU_DATA_MAGIC = b"\xda\x27"
COMMON_DATA_FORMAT = b"CmnD"


class IcuTrimError(RuntimeError):
    """The ICU data library could not be rebuilt; the message says why and what to do."""


def icu_version(library_name: str) -> str:
    """The ICU major version in a data library's name: ``libicudata.so.73`` -> ``"73"``."""
    match = re.fullmatch(r"libicudata\.so\.(\d+)(?:\.\d+)*", library_name)
    if match is None:
        raise IcuTrimError(f"{library_name!r} is not named like ICU's data library (libicudata.so.N)")
    return match.group(1)


def is_icu_data_library(name: str) -> bool:
    return re.fullmatch(r"libicudata\.so\.\d+(?:\.\d+)*", name) is not None


def elf_symbol_bytes(data: bytes, symbol: str) -> bytes:
    """The bytes of a defined ``symbol`` in the ELF image ``data``.

    The symbol is looked up in ``.symtab`` and ``.dynsym``; its address is
    mapped to a file offset through the section it is defined in.
    """
    image = read_elf(data)
    if image is None:
        raise IcuTrimError("not an ELF file")
    is64, sections = image.is64, image.sections
    symbol_format = image.endian + ("IBBHQQ"    # name, info, other, shndx, value, size
                                    if is64 else "IIIBBH")  # name, value, size, info, other, shndx
    wanted = symbol.encode()
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type not in (SHT_SYMTAB, SHT_DYNSYM) or not entsize:
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            fields = struct.unpack_from(symbol_format, data, pos)
            if is64:
                st_name, _info, _other, shndx, value, st_size = fields
            else:
                st_name, value, st_size, _info, _other, shndx = fields
            end = data.index(b"\0", strtab + st_name)
            if data[strtab + st_name : end] != wanted:
                continue
            if shndx == SHN_UNDEF or shndx >= SHN_LORESERVE:
                continue  # an import, or an absolute/common symbol without bytes in the file
            home = sections[shndx]
            start = home[4] + (value - home[3])
            if not (home[4] <= start and start + st_size <= home[4] + home[5]):
                raise IcuTrimError(f"symbol {symbol} lies outside its section")
            return data[start : start + st_size]
    raise IcuTrimError(f"no defined symbol {symbol} in the ELF file")


def package_type_letter(package: bytes) -> str:
    """``l``/``b``/``e``: the platform type ICU appends to a package name (``icudt73l``)."""
    if len(package) < 16 or package[2:4] != ICU_DATA_MAGIC:
        raise IcuTrimError("the exported data is not an ICU data package (bad magic)")
    big_endian, charset_family = package[8], package[9]
    if package[12:16] != COMMON_DATA_FORMAT:
        raise IcuTrimError(f"the exported data is not an ICU common data package ({package[12:16]!r})")
    if charset_family == 1:
        return "e"
    return "b" if big_endian else "l"


def removable_items(items: Iterable[str]) -> list[str]:
    """The items inside :data:`REMOVED_TREES` or at the root with one of
    :data:`REMOVED_ROOT_SUFFIXES`, in their given order."""
    return [
        item for item in items
        if (item.split("/", 1)[0] in REMOVED_TREES and "/" in item)
        or ("/" not in item and item.endswith(REMOVED_ROOT_SUFFIXES))
    ]  # fmt: skip


def _tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise IcuTrimError(f"{name} not found: {hint}")
    return path


def _run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        output = result.stdout + result.stderr
        raise IcuTrimError(f"{' '.join(command)} failed ({result.returncode}):\n{output}")
    return result.stdout


def list_items(icupkg: str, package: Path) -> list[str]:
    listing = _run([icupkg, "-l", package.name], package.parent)
    return [line.strip() for line in listing.splitlines() if line.strip()]


def trim_icu_data(library: Path, workdir: Path) -> tuple[Path, dict[str, int]]:
    """Write a trimmed copy of ``library`` under ``workdir``; return its path and figures.

    The figures are the byte sizes of the old and new library and the number
    of items removed. Raises :class:`IcuTrimError` when a tool is missing or
    any step does not do what it should.
    """
    icupkg = _tool("icupkg", "install ICU's tools (Debian/Ubuntu: apt-get install icu-devtools)")
    assembler = _tool("as", "install binutils")
    linker = _tool("ld", "install binutils")
    version = icu_version(library.name)
    symbol = f"icudt{version}_dat"
    original = library.read_bytes()
    package = elf_symbol_bytes(original, symbol)
    name = f"icudt{version}{package_type_letter(package)}"

    workdir.mkdir(parents=True, exist_ok=True)
    for stale in ("in", "out"):
        shutil.rmtree(workdir / stale, ignore_errors=True)
        (workdir / stale).mkdir()
    source = workdir / "in" / f"{name}.dat"
    source.write_bytes(package)
    items = list_items(icupkg, source)
    remove = removable_items(items)
    if not remove:
        trees = ", ".join(REMOVED_TREES)
        raise IcuTrimError(f"{library.name}: none of the trees {trees} found; nothing to trim")
    (workdir / "remove.txt").write_text("\n".join(remove) + "\n", encoding="ascii")
    trimmed = workdir / "out" / f"{name}.dat"
    # No --ignore-deps: icupkg refuses if a kept item refers to a removed one.
    _run([icupkg, "-r", str(workdir / "remove.txt"), str(source), str(trimmed)], workdir)
    kept = list_items(icupkg, trimmed)
    expected = [item for item in items if item not in set(remove)]
    if sorted(kept) != sorted(expected):
        raise IcuTrimError("icupkg removed something other than the listed items")
    for tree in REQUIRED_TREES:
        if not any(item.startswith(f"{tree}/") for item in kept):
            raise IcuTrimError(f"the trimmed package lost the {tree}/ tree Qt needs")

    # '%' rather than '@' before section/symbol types: the same source
    # assembles for x86-64 and ARM (where '@' starts a comment).
    (workdir / "icudata.S").write_text(
        '\t.section .note.GNU-stack,"",%progbits\n'
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n"
        f"\t.type {symbol},%object\n"
        "\t.balign 16\n"
        f"{symbol}:\n"
        f'\t.incbin "out/{name}.dat"\n'
        f"\t.size {symbol}, .-{symbol}\n",
        encoding="ascii",
    )
    _run([assembler, "-o", "icudata.o", "icudata.S"], workdir)
    output = workdir / "lib" / library.name
    output.parent.mkdir(exist_ok=True)
    link = [linker, "-shared", "-soname", library.name, "-z", "noexecstack", "-o", str(output), "icudata.o"]
    _run(link, workdir)
    if elf_symbol_bytes(output.read_bytes(), symbol) != trimmed.read_bytes():
        raise IcuTrimError(f"the rebuilt {library.name} does not export the trimmed package as {symbol}")
    figures = {"before": len(original), "after": output.stat().st_size, "removed_items": len(remove)}
    return output, figures
