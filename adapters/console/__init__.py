"""The local console adapter: `antenne chat` in a terminal."""
