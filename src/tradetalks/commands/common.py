"""What several subcommands share: loading the scheme and schema, and finding exports."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import paths
from ..reader import find_exports
from ..scheme import Scheme, SchemeError, load_scheme
from ..schema_files import load_export_schema


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
    files = []
    for item in inputs or [default_exports()]:
        if not item.exists():
            raise CommandError(f"{item}: no such file or folder")
        files += find_exports(item)
    return files


def run_safely(func):
    """Wrap a command's run function so that CommandError becomes a message and exit code 2."""

    def wrapper(args) -> int:
        try:
            return func(args)
        except CommandError as err:
            print(f"tradetalks {args.command}: {err}", file=sys.stderr)
            return 2

    return wrapper
