"""The `antenne` command: one module per command group, one edge that turns errors into exit codes.

Commands raise the errors of `antenne.bot.errors` (and the content's and
configuration's own); only `antenne.cli.main` prints them and picks the exit
code, so the same problem reads and exits alike in every command. SDKs and the
database drivers are imported inside the commands that need them, which keeps
`antenne ask` quick to start.
"""
