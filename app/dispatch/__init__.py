"""The dispatch engine: the outbox, its workers, retries, events."""
