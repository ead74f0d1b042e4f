"""What reading one kit file may cost: which files, how many bytes, how deep, how many values.

A kit arrives in a pull request from anyone, so every command must finish
in seconds on any file a person could commit. The load stage reads a kit
only if it is a regular file inside the kits folder (a link to
``/etc/passwd`` or ``/dev/zero`` is refused without opening it), at most
``kit_bytes`` of it (a 50 MB file is refused after reading one megabyte),
parses it no deeper than ``depth`` levels and expands it to no more than
``values`` values (YAML aliases count at every use, so a 300-byte "billion
laughs" is refused at once). Each refusal is a Problem that names the file,
the line and column, and the limit.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from crisiskit.errors import Problem

DEFAULT_KIT_BYTES = 1_000_000


@dataclass(frozen=True)
class Limits:
    """The bounds of one kit file; ``kit_bytes`` is settable in crisiskit.yml (limits: {kit_bytes: N})."""

    kit_bytes: int = DEFAULT_KIT_BYTES
    depth: int = 32
    """Levels of nesting; a real kit uses about seven (updates[0].statement.apology.en is six)."""
    values: int = 50_000
    """Keys, items and scalars, aliases counted at every use; a real kit has one to three thousand."""
    digits: int = 15
    """Digits of a whole number; beyond about 15, numbers lose precision and Babel cannot format them."""


def read_bounded(path: Path, shown: str, root: Path, limits: Limits) -> bytes | Problem:
    """The bytes of ``path``, or a Problem saying why it may not be read.

    ``root`` is the kits folder the file was found in: a symbolic link may
    point only inside it. The file is opened without following a final link
    and checked again on the open descriptor, so it cannot be swapped for a
    device or a pipe between the check and the read.
    """
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(shown, 1, 1, "", "expected a kit file; got a symbolic link to nothing (remove the link)")
        return Problem(
            shown,
            1,
            1,
            "",
            "expected a kit file or a folder of kits; got no such file or folder "
            "(run crisiskit in the site repository's root, or name the kits)",
        )
    except (OSError, RuntimeError) as error:  # a loop of links, a name too long
        return Problem(shown, 1, 1, "", f"expected a readable kit file; got {_reason(error)}")
    if not _inside(target, root):  # the file is a link, or lies in a linked folder (kits/scenarios -> /etc)
        return Problem(
            shown,
            1,
            1,
            "",
            f"expected a kit file inside {_folder(root)}; got a symbolic link that "
            "leads outside it, which is not followed (put the file itself there)",
        )
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return Problem(shown, 1, 1, "", f"expected a readable kit file; got {_reason(error)}")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return Problem(shown, 1, 1, "", f"expected a kit file; got {_file_type(info.st_mode)}, which is not read")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limits.kit_bytes:
            head = handle.read(limits.kit_bytes)
            return _too_big(shown, head, info.st_size, limits)
        raw = handle.read(limits.kit_bytes + 1)  # a file that grew (or lies about its size) still stops here
    if len(raw) > limits.kit_bytes:
        return _too_big(shown, raw[: limits.kit_bytes], None, limits)
    return raw


def _too_big(shown: str, head: bytes, size: int | None, limits: Limits) -> Problem:
    """The limit reported where the file crosses it, as a line and a column in characters."""
    line = head.count(b"\n") + 1
    column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    got = f"{size:,} bytes" if size is not None else "more"
    return Problem(
        shown,
        line,
        column,
        "",
        f"expected a kit file of at most {limits.kit_bytes:,} bytes "
        f"(limits: {{kit_bytes: N}} in crisiskit.yml raises it); got {got}, over the limit from here",
    )


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _folder(root: Path) -> str:
    name = root.name or str(root)
    return f"{name}/"


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _reason(error: BaseException) -> str:
    if isinstance(error, RuntimeError):
        return "a loop of symbolic links"
    return getattr(error, "strerror", None) or type(error).__name__


DEFAULT_LIMITS = Limits()
"""The bounds when crisiskit.yml sets none (one frozen instance, shared)."""
