"""Small files the upload checks accept, shared by the unit and end-to-end tests."""
from __future__ import annotations


def minimal_pdf(text: str = "") -> bytes:
    """A one-page PDF with a correct cross-reference table (``text`` makes it unique)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = b"%PDF-1.4\n" + (b"%" + text.encode("utf-8") + b"\n" if text else b"")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


# The smallest file the upload channel takes as a PDF (files are judged by their bytes).
MINIMAL_PDF = minimal_pdf()
