"""Microsoft Teams: Adaptive Cards, the Bot Framework activity handler and endpoint.

botbuilder's Python SDK is in maintenance; Microsoft names the 365 Agents SDK as
its successor. Only this package touches botbuilder, so a move to that SDK
replaces this package and nothing else.
"""
