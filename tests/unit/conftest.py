"""Fixtures shared by the unit tests: one real WordPress for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.peers.wordpress_peer import PostsValidator, WordPressSite, wordpress_site


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressSite]:
    """Debian's WordPress on MariaDB, started once (about 10 s) for every test that needs it."""
    yield from wordpress_site()


@pytest.fixture(scope="session")
def validator(wordpress: WordPressSite) -> PostsValidator:
    return PostsValidator(wordpress)
