"""`tradetalks schema`: regenerate or check the files derived from schema/scheme.yaml."""

from __future__ import annotations

from .. import paths
from ..schema_files import stale_files, write_all
from ..scheme import SchemeError, load_scheme
from .common import CommandError, run_safely


def register(sub) -> None:
    parser = sub.add_parser("schema", help="generate the labeling config and export JSON Schema",
                            description="Check (default) or rewrite (--write) schema/labeling_config.xml and "
                                        "schema/export.schema.json from schema/scheme.yaml.")
    parser.add_argument("--write", action="store_true", help="rewrite the generated files")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    try:
        scheme = load_scheme(args.schema_dir)
    except SchemeError as err:
        raise CommandError(str(err)) from None
    folder = args.schema_dir or paths.schema_dir()
    if args.write:
        for path in write_all(scheme, folder):
            print(f"wrote {path}")
        return 0
    stale = stale_files(scheme, folder)
    for name in stale:
        print(f"{folder / name} is out of date with scheme.yaml; run `tradetalks schema --write`")
    if not stale:
        print("schema files are up to date")
    return 1 if stale else 0
