"""Actions for 注销账号 / 删除我的个人信息.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "erasure",
]
