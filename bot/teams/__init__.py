"""Microsoft Teams: the app package (manifest and icons)."""
