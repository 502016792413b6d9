"""TradeTalks: Label Studio exports of entities and relations, validated and built into a Hugging Face dataset."""

__version__ = "0.1.0"
