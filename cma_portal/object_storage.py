"""The file store behind Django's storage API (docs/operations.md, "Files").

`MEDIA_STORAGE=disk` keeps files under MEDIA_ROOT; `MEDIA_STORAGE=s3` puts them in a bucket of an
S3-compatible store (django-storages' S3Storage, options in settings). Code reads and writes
files through `FieldFile.open()` / `storage.save()` only, never through paths, so both work.

Downloads stream through Django (`FileResponse` on `storage.open()`) after the view has checked
permission, rather than redirecting to presigned URLs: the bucket stays entirely private, a
link can neither be forwarded nor outlive a revoked access, the browser always gets our
`Content-Disposition` / `nosniff` headers, and a download is one request in our logs. The cost,
web nodes carrying the bytes, is small for documents of at most a few megabytes.
"""

import hashlib
import logging
import os

from django.core.files.storage import FileSystemStorage, Storage, default_storage

logger = logging.getLogger(__name__)

CHUNK = 1 << 16


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(storage: Storage, name: str) -> str | None:
    """SHA-256 of the stored file `name`, None when it cannot be read."""
    try:
        with storage.open(name, "rb") as handle:
            return sha256_of(handle)
    except (FileNotFoundError, OSError):
        return None


def is_bucket(storage: Storage) -> bool:
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def check_object_store(storage: Storage | None = None) -> str | None:
    """None when the file store is usable, else a short reason (for /readyz)."""
    storage = storage or default_storage
    try:
        if is_bucket(storage):
            # HEAD on the bucket: reachable, credentials accepted, bucket there. No listing.
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        elif isinstance(storage, FileSystemStorage):
            location = storage.location
            os.makedirs(location, exist_ok=True)
            if not os.access(location, os.W_OK):
                return "not writable"
        else:
            storage.exists("readyz-probe")
    except Exception as exc:  # noqa: BLE001 — any failure means "not ready"
        logger.warning("readyz: object store unreachable: %s", exc)
        return type(exc).__name__
    return None
