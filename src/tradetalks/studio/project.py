"""A Label Studio project set up with the project's labeling config, and the check that a project has it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..label_config import check_label_config
from ..problems import Problem
from ..scheme import Scheme
from .connection import Studio, StudioError

LABEL_CONFIG = "labeling_config.xml"


class ConfigMismatch(StudioError):
    """A labeling config that does not carry the label scheme; `problems` say where."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


def read_label_config(schema_dir: Path, scheme: Scheme) -> str:
    """The labeling config generated from the scheme, refused when it has drifted from the scheme."""
    path = schema_dir / LABEL_CONFIG
    try:
        report = check_label_config(path, scheme)
    except OSError as err:
        raise StudioError(f"{path}: cannot read the labeling config: {err.strerror or err}") from None
    if not report.valid:
        raise ConfigMismatch(f"{path} does not match the label scheme; run `tradetalks schema --write`",
                             report.errors)
    return path.read_text(encoding="utf-8")


def check_project(studio: Studio, project: int, scheme: Scheme) -> str:
    """The project's title, after checking that its labeling config carries the label scheme."""
    title, config = studio.project_config(project)
    name = f"project {project}'s labeling config"
    with tempfile.TemporaryDirectory(prefix="tradetalks-config-") as folder:
        path = Path(folder) / LABEL_CONFIG
        path.write_text(config, encoding="utf-8")
        report = check_label_config(path, scheme, display_name=name)
    if not report.valid:
        raise ConfigMismatch(f"project {project} is not set up with the label scheme's labeling config "
                             "(is it the right project?)", report.errors)
    return title

