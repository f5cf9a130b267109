"""An uncompressed zip of parts screening already inflated and checked, for python-calamine.

calamine inflates every part it reads again; handed the same parts stored (not compressed), it reads
a copy about a fifth faster, and building the package costs a copy of the bytes. The package is built
only when screening kept every part that may hold cells (pictures, fonts, printer settings and the
legacy drawings of notes are left out; a macro workbook never gets this far): the parts are the exact
bytes screening checked against the file's CRCs, which go in unchanged (see tests/test_stored_zip.py).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 20  # 2.0: what any zip reader reads
_UTF8 = 0x800  # general purpose flag: the name is UTF-8
_DATE = (1 << 5) | 1  # 1980-01-01, the epoch of zip dates: no time is recorded


def stored_zip(parts: Mapping[str, bytes], checksums: Mapping[str, int]) -> bytes:
    """A zip holding `parts` (name -> bytes) stored, each with its CRC-32 from `checksums`."""
    pieces: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in parts.items():
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8
        crc, size = checksums[name], len(data)
        local = _LOCAL.pack(0x04034B50, _VERSION, flags, 0, 0, _DATE, crc, size, size, len(encoded), 0)
        pieces += (local, encoded, data)
        header = _CENTRAL.pack(
            0x02014B50, _VERSION, _VERSION, flags, 0, 0, _DATE, crc, size, size, len(encoded),
            0, 0, 0, 0, 0, offset,  # no extra field nor comment, disk 0, no attributes; the local header
        )  # fmt: skip
        central += (header, encoded)
        offset += len(local) + len(encoded) + size
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join((*pieces, directory, end))
