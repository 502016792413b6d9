"""What several subcommands share: loading the scheme and schema, and finding exports."""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

from .. import paths
from ..reader import find_exports
from ..scheme import Scheme, SchemeError, load_scheme
from ..schema_files import load_export_schema
from ..validate import show_as


class CommandError(Exception):
    """A clean, located message for the user; exit code 2."""


def load_contract(schema_dir: Path | None) -> tuple[Scheme, dict]:
    try:
        scheme = load_scheme(schema_dir)
        return scheme, load_export_schema(schema_dir)
    except SchemeError as err:
        raise CommandError(str(err)) from None
    except (OSError, ValueError) as err:
        raise CommandError(f"cannot read the export JSON Schema: {err}") from None


def default_exports() -> Path:
    return paths.annotations_dir() / "exports"


def export_files(inputs: list[Path]) -> list[Path]:
    """The export files the inputs name: `-` is standard input; a pipe or a device (`/dev/stdin`, `<(...)`)
    is read once into a temporary file, since the readers go back and forth in a file."""
    files = []
    for item in inputs or [default_exports()]:
        if str(item) == "-":
            files.append(_copied(sys.stdin.buffer, "<stdin>"))
            continue
        if not item.exists():
            raise CommandError(f"{item}: no such file or folder")
        if not item.is_dir() and not item.is_file():
            try:
                with open(item, "rb") as handle:
                    files.append(_copied(handle, str(item)))
            except OSError as err:
                raise CommandError(f"{item}: cannot read: {err.strerror or err}") from None
            continue
        files += find_exports(item)
    return files


def _copied(handle, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tradetalks-input-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "input.json"
    with open(path, "wb") as out:
        shutil.copyfileobj(handle, out)
    show_as(path, name)
    return path


def run_safely(func):
    """Wrap a command's run function so that CommandError becomes a message and exit code 2."""

    def wrapper(args) -> int:
        try:
            return func(args)
        except CommandError as err:
            print(f"tradetalks {args.command}: {err}", file=sys.stderr)
            return 2

    return wrapper
