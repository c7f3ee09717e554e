# Makes the knowledge base installable as package data (antenne.content). No code lives here.
