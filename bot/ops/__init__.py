"""Running the bot as a service: logs, metrics, readiness, and a graceful stop."""
