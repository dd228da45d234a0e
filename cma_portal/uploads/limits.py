"""The bounds every inspection works within. Plain Python (no Django): the child process gets
them as an argument, the parent builds them from the settings (`Limits.from_settings`)."""

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # Archives (OOXML, ODF): read from the central directory, then enforced while inflating.
    max_members: int = 2000
    max_member_size: int = 50 * MIB
    max_total_size: int = 200 * MIB
    # Ratio uncompressed / compressed above which a member larger than `ratio_floor` is a bomb.
    max_ratio: int = 100
    ratio_floor: int = 1 * MIB
    # PDF streams: each stream and the sum of all of them, counted while inflating.
    max_stream_size: int = 64 * MIB
    max_streams_total: int = 256 * MIB
    # Images: pixels, read from the header (nothing is decoded).
    max_pixels: int = 80_000_000
    # The child process: extra address space it may use beyond what it holds at start, and the
    # wall-clock time the parent waits for its verdict.
    memory: int = 100 * MIB
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> "Limits":
        from django.conf import settings

        return cls(
            memory=settings.UPLOAD_CHECK_MEMORY_MB * MIB,
            timeout=settings.UPLOAD_CHECK_TIMEOUT,
        )
