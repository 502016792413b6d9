"""Contributing through Label Studio: set up a project with the labeling config, import texts with
pre-annotations, and pull the finished annotations into the corpus as a new, validated export.

Needs label-studio-sdk (`pip install -e ".[studio]"`); the server itself comes with the `server` extra.
"""

from .connection import Credentials, Studio, StudioError, read_credentials
from .corpus import Corpus
from .gazetteer import Gazetteer
from .importer import ImportPlan, ImportRefused, import_plan, plan_import
from .prelabel import ModelPredictor, ModelRefused
from .project import ConfigMismatch, check_project, read_label_config
from .pull import OnConflict, PullInvalid, PullRefused, plan_pull, pull, store
from .texts import Paragraph, read_paragraphs

__all__ = [
    "ConfigMismatch", "Corpus", "Credentials", "Gazetteer", "ImportPlan", "ImportRefused", "ModelPredictor",
    "ModelRefused", "OnConflict",
    "Paragraph", "PullInvalid", "PullRefused", "Studio", "StudioError", "check_project", "import_plan",
    "plan_import", "plan_pull", "pull", "read_credentials", "read_label_config", "read_paragraphs", "store",
]
