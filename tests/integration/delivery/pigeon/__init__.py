"""A chat platform that exists only in the test suite: carrier pigeons.

It is plugged in the way Slack, Teams and the console are (``plugin.py`` declares its
``ChatPlatform``), to show that a platform needs nothing outside its own package: it reads
its own ``[pigeon]`` config section, serves ``POST /pigeon`` (a note from a person, answered
with the bot's reply), identifies people through the identity service, and sends the
scheduler's messages into a loft.
"""
