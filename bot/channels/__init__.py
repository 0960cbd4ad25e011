"""Rasa input channels (adapters): they turn what a messaging platform sends into user messages
and replies back; ``credentials.yml`` names the connectors. Business rules stay in the
sub-domain packages.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "callback",
    "capabilities",
    "published",
    "rest_files",
]
