"""Slack: slack-bolt's AsyncApp in Socket Mode or over HTTP (with the OAuth install flow),
slash commands, the daily DM with buttons and modals, the Home tab and digests."""
