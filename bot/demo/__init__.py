"""``nudgebot demo``: a realistic synthetic book, deterministic per seed, up to millions of
customers (see ``bot.demo.generate``)."""

from bot.demo.generate import generate

__all__ = ["generate"]
