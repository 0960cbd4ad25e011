"""Actions for 停电查询: the outages known for a bound account, a district or a street, over the
days asked ("明天", "这周", "下周一", "12月5日").

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "query",
]
