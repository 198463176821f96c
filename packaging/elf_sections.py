"""Just enough ELF reading for the packaging scripts: byte order, class, section table.

``bundle_prune`` reads ``DT_NEEDED`` entries and ``icu_trim`` finds a
symbol's bytes; both start from the section headers parsed here, for 32- and
64-bit files of either byte order, with nothing beyond ``struct``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# One section header as unpacked: (name, type, flags, addr, offset, size, link,
# info, addralign, entsize); the same order for both classes.
Section = tuple[int, int, int, int, int, int, int, int, int, int]


@dataclass(frozen=True)
class ElfImage:
    data: bytes
    is64: bool
    endian: str          # "<" or ">", for struct formats
    sections: list[Section]


def read_elf(data: bytes) -> ElfImage | None:
    """The section table of the ELF image ``data``; ``None`` if it is not ELF."""
    if data[:4] != b"\x7fELF":
        return None
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        (shoff,) = struct.unpack_from(endian + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(endian + "HH", data, 0x3A)
        section_format = endian + "IIQQQQIIQQ"
    else:
        (shoff,) = struct.unpack_from(endian + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(endian + "HH", data, 0x2E)
        section_format = endian + "IIIIIIIIII"
    sections = [struct.unpack_from(section_format, data, shoff + i * shentsize)
                for i in range(shnum)]
    return ElfImage(data, is64, endian, sections)
