"""Electricity-customer service assistant: one package per sub-domain, plus what they share.

Sub-domains (``identity``, ``accounts``, ``billing``, ``payments``, ``applications``,
``conversation``, ``files``, ``privacy``) hold the business rules in plain Python; ``db`` the
SQLAlchemy models and migrations; ``rasa_ext`` and ``channels`` are the only packages that import
Rasa. Each package's ``__all__`` names its public modules: import those, not the others.
The layering is enforced by ``tests/unit/test_architecture.py``.
"""
__all__ = [
    "accounts",
    "applications",
    "billing",
    "channels",
    "cli",
    "clock",
    "container",
    "conversation",
    "db",
    "demo",
    "devtools",
    "domain_files",
    "files",
    "identity",
    "limits",
    "money",
    "notify",
    "outages",
    "payments",
    "privacy",
    "rasa_ext",
    "repairs",
    "reports",
    "server",
    "settings",
    "text",
    "training",
]
