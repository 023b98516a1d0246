"""Use cases that bring a book in and out: import, export, erase, audit, the calendar feed."""
