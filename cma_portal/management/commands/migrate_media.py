"""Copy the files kept on disk (MEDIA_ROOT) into the configured object store, verifying each one.

    MEDIA_STORAGE=s3 AWS_S3_ENDPOINT_URL=… python manage.py migrate_media [--source DIR] [--dry-run]

Every file under the source folder is stored in the bucket under the same name (the name the
database records), read back from the bucket and its SHA-256 compared with the file on disk. A
file already in the bucket with the same content is skipped, so the command can be run again
after an interruption; one with a different content is reported and left alone, never
overwritten. Files the database refers to that are neither on disk nor in the bucket are
reported too. Exit status 1 when anything did not verify; the disk is never modified.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from cma_portal.object_storage import sha256_of, stored_sha256


def referenced_names() -> set[str]:
    """Every file name stored in a FileField of any model."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                values = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                names.update(value for value in values.iterator() if value)
    return names


class Command(BaseCommand):
    help = "Copy files from disk (MEDIA_ROOT) to the object store and verify every SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="folder to copy from (default: MEDIA_ROOT)")
        parser.add_argument("--dry-run", action="store_true", help="only say what would be copied")

    def handle(self, *args, source=None, dry_run=False, **options):
        root = Path(source or settings.MEDIA_ROOT)
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        target = storages["default"]
        if isinstance(target, FileSystemStorage):
            raise CommandError("the default storage is the disk: set MEDIA_STORAGE=s3 and the AWS_* settings")
        disk = FileSystemStorage(location=root)

        copied = skipped = 0
        problems: list[str] = []
        on_disk: set[str] = set()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            on_disk.add(name)
            with disk.open(name, "rb") as handle:
                expected = sha256_of(handle)
            if target.exists(name):
                if stored_sha256(target, name) == expected:
                    skipped += 1
                else:
                    problems.append(f"{name}: already in the bucket with a different content (left alone)")
                continue
            if dry_run:
                self.stdout.write(f"would copy {name}")
                copied += 1
                continue
            with disk.open(name, "rb") as handle:
                saved = target.save(name, File(handle, name=name))
            if saved != name:
                problems.append(f"{name}: stored as {saved}")
                continue
            actual = stored_sha256(target, name)
            if actual != expected:
                problems.append(f"{name}: SHA-256 in the bucket {actual} differs from the disk {expected}")
                continue
            copied += 1

        missing = sorted(name for name in referenced_names() - on_disk if not target.exists(name))
        problems.extend(
            f"{name}: referenced by the database, neither on disk nor in the bucket" for name in missing
        )

        verb = "to copy" if dry_run else "copied and verified"
        self.stdout.write(
            f"{copied} {verb}, {skipped} already in the bucket (same SHA-256), {len(problems)} problem(s)"
        )
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} file(s) did not verify")
