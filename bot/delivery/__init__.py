"""Durable delivery: the sweep writes the outbox, workers send it, exactly once."""
