"""Actions for 登录 (phone and SMS code), the request router with its detours, and 实名认证.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "login",
    "real_name",
]
