"""The review page: the corpus or any export as one static HTML file, annotations drawn over the text."""

from .page import render_page
from .review import Review, collect_review

__all__ = ["Review", "collect_review", "render_page"]
