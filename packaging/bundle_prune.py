"""Drop shared libraries that nothing left in a Linux bundle links to.

PyInstaller collects a binary's dependencies while analysing, before the spec
filters out plugins it does not want (the GTK platform theme, embedded-device
platform plugins). Their dependencies (GTK's cairo, pango, gdk-pixbuf, ...)
would stay behind unused. This module recomputes the link closure of what is
kept, from each ELF file's ``DT_NEEDED`` entries, and drops the rest.

Roots are everything that is loaded by name at run time rather than linked:
Python extension modules, Qt plugins and the Python library itself (which the
bootloader opens with ``dlopen``).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

from elf_sections import read_elf

SHT_DYNAMIC = 6
DT_NEEDED = 1


def elf_needed(path: str | Path) -> list[str]:
    """The ``DT_NEEDED`` sonames of an ELF file (empty for anything that is not ELF)."""
    image = read_elf(Path(path).read_bytes())
    if image is None:
        return []
    data, sections = image.data, image.sections
    dyn, dynsize = (image.endian + "qQ", 16) if image.is64 else (image.endian + "iI", 8)
    needed: list[str] = []
    for _name, sh_type, _flags, _addr, offset, size, link, *_ in sections:
        if sh_type != SHT_DYNAMIC:
            continue
        strtab_offset = sections[link][4]
        for pos in range(offset, offset + size, dynsize):
            tag, value = struct.unpack_from(dyn, data, pos)
            if tag == 0:
                break
            if tag == DT_NEEDED:
                end = data.index(b"\0", strtab_offset + value)
                needed.append(data[strtab_offset + value : end].decode())
    return needed


def _basename(dest: str) -> str:
    return dest.replace("\\", "/").rsplit("/", 1)[-1]


def is_root(dest: str, typecode: str) -> bool:
    """Loaded by name at run time (not through another binary's link map)."""
    dest = dest.replace("\\", "/")
    name = _basename(dest)
    return (
        typecode == "EXTENSION"
        or "/plugins/" in f"/{dest}"
        or "/lib-dynload/" in f"/{dest}"
        or name.startswith("libpython")
        or ".cpython-" in name
        or ".abi3." in name
    )


def prune_unreferenced(entries: Sequence[tuple[str, str, str]]) -> tuple[list, list[str]]:
    """Keep roots and the libraries they link to, transitively; return (kept, dropped names)."""
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for entry in entries:
        by_name.setdefault(_basename(entry[0]), []).append(entry)
    reached: set[str] = set()
    queue: list[str] = [_basename(e[0]) for e in entries if is_root(e[0], e[2])]
    while queue:
        name = queue.pop()
        if name in reached:
            continue
        reached.add(name)
        for _dest, src, _typecode in by_name.get(name, ()):
            queue.extend(n for n in elf_needed(src) if n not in reached)
    kept = [e for e in entries if _basename(e[0]) in reached]
    dropped = sorted({_basename(e[0]) for e in entries} - reached)
    return kept, dropped
