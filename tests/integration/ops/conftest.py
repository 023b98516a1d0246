"""The delivery tests' book of customers, for the operations tests too."""

from tests.integration.delivery.conftest import book, make_book

__all__ = ["book", "make_book"]
