"""Composition: one draft becomes one rendition per medium and language."""

from app.compose.render import render, render_all

__all__ = ["render", "render_all"]
