"""ZIP bundle of a submission: its PDF (dossier or receipt) and every document it froze.

Written into a temporary file rather than memory (a dossier may carry tens of megabytes), then
streamed by the view. Documents are read from storage and checked against the SHA-256 recorded
in the snapshot; a manifest lists every file with its fingerprint.
"""

import hashlib
import re
import unicodedata
import zipfile
from typing import IO

from applications.models import Document, Submission
from applications.pdf import submission_pdf_filename

CHUNK = 1 << 16


def safe_name(name: str) -> str:
    """A file name that is the same on every system: ASCII, no separators, bounded length."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.") or "document"
    stem, dot, ext = cleaned.rpartition(".")
    if dot and stem and len(ext) <= 8:
        return f"{stem.strip('-')[:80]}.{ext}"
    return cleaned[:90]


def bundle_filename(submission: Submission) -> str:
    return submission_pdf_filename(submission).removesuffix(".pdf") + ".zip"


def submission_bundle_write(*, submission: Submission, fileobj: IO[bytes]) -> list[str]:
    """Write the ZIP of `submission` into `fileobj`; return the names it contains.

    The PDF must be ready (callers check `pdf.submission_pdf_is_ready`). Documents are those of
    the snapshot, in its order, under `pieces/NN-name`; `SHA256SUMS.txt` lists every file.
    """
    entries = snapshot_documents = submission.snapshot.get("documents") or []
    documents = {d.pk: d for d in Document.objects.filter(pk__in=[e["id"] for e in entries])}
    names: list[str] = []
    sums: list[str] = []
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        pdf_name = submission_pdf_filename(submission)
        sums.append(f"{submission.pdf_sha256}  {pdf_name}")
        with submission.pdf.open("rb") as source, archive.open(pdf_name, "w") as target:
            _copy(source, target)
        names.append(pdf_name)
        for index, entry in enumerate(snapshot_documents, start=1):
            document = documents.get(entry["id"])
            if document is None or not document.file:
                continue
            if document.scan_status == "infected":
                # Never handed out, not even inside the archive; the manifest says why it is missing.
                sums.append(
                    f"-  {entry.get('original_name') or document.original_name}  (FICHIER INFECTÉ, EXCLU)"
                )
                continue
            name = f"pieces/{index:02d}-{safe_name(entry.get('original_name') or document.original_name)}"
            with document.file.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
                digest = _copy(source, target)
            # The manifest states what the archive holds; a mismatch with the snapshot is flagged.
            flag = "" if digest == entry.get("sha256") else "  (DIFFÈRE DE L'EMPREINTE DU DÉPÔT)"
            sums.append(f"{digest}  {name}{flag}")
            names.append(name)
        archive.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
        names.append("SHA256SUMS.txt")
    return names


def _copy(source, target) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()
