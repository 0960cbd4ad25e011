"""The WeChat 公众号 connector (server messages): signature checks, safe XML, retries
deduplicated, the 5-second passive reply with the rest through the customer-service API,
the 自定义菜单 and the output channel pushes use.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "api",
    "cli",
    "input",
    "menu",
    "output",
]
