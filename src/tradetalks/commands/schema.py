"""`tradetalks schema`: regenerate or check the files derived from schema/scheme.yaml."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import paths
from ..label_config import check_label_config
from ..reporting import REPORTERS, text_report
from ..schema_files import stale_files, write_all
from ..scheme import SchemeError, load_scheme
from .common import CommandError, run_safely


def register(sub) -> None:
    parser = sub.add_parser("schema", help="generate the labeling config and export JSON Schema",
                            description="Check (default) or rewrite (--write) schema/labeling_config.xml and "
                                        "schema/export.schema.json from schema/scheme.yaml.")
    parser.add_argument("--write", action="store_true", help="rewrite the generated files")
    parser.add_argument("--check-config", type=Path, metavar="FILE.xml", default=None,
                        help="check a Label Studio labeling config against the scheme instead (parsed safely: "
                             "no DTD, no entity expansion); exit 1 on errors")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format for --check-config")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    try:
        scheme = load_scheme(args.schema_dir)
    except SchemeError as err:
        raise CommandError(str(err)) from None
    if args.check_config is not None:
        return check_config(args.check_config, scheme, args.format)
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


def check_config(path: Path, scheme, report_format: str) -> int:
    try:
        report = check_label_config(path, scheme, display_name=str(path))
    except OSError as err:
        raise CommandError(f"{path}: cannot read: {err.strerror or err}") from None
    if report_format == "text":
        text_report(report, sys.stdout, tasks=False)  # a labeling config has no tasks to count
    else:
        REPORTERS[report_format](report, sys.stdout)
    return 0 if report.valid else 1
