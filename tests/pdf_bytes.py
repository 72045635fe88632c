"""Writing a small PDF from its objects, for tests that need a PDF no generator would make."""

from __future__ import annotations

from collections.abc import Sequence


def pdf_of(objects: Sequence[bytes], trailer: bytes | None = None) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalogue) with its xref table;
    ``trailer`` is the trailer dictionary's body (default: size and root)."""
    body = trailer if trailer is not None else b"/Size %d /Root 1 0 R" % (len(objects) + 1)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (body, xref)
    return bytes(out)
