"""Issei core: domain, storage, composition, dispatch. Never imports Qt."""

__version__ = "0.1.0"
