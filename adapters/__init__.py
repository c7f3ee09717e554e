"""The chat platforms around the core, and the server that runs them.

Each platform is one object (adapters/platform.py: `Platform`) that reads its own
settings from the environment, mounts its routes, opens its digest sender, and
starts and stops its own parts; it translates its events into a `Turn` for the
one door into the core (antenne.bot.conversation) and renders the `Answer`.

A new platform: a package adapters/<name>/ with settings.py (`read(EnvReader)`,
problems appended in Dutch), a renderer for `Answer`, the event translation to
`Turn` (with its `Words`), a digest sender (antenne.bot.digest.delivery), and
platform.py with a class that has `name`, `off_reason` and `configure(env)`;
then add that class to `KNOWN` in adapters/platforms.py and the package
to pyproject.toml. `serve` and `digest run-now` need no change.
"""
