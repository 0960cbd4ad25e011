"""Actions for 户号: binding (with owner consent), account queries' shared steps, 户主认证,
and the news shown to owners and requesters when they next chat.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "binding",
    "consent_notices",
    "ownership",
    "query",
]
