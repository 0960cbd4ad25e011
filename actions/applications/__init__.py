"""Actions for the business applications: the 更名/过户 form, the 新装 form (个人 and 企业)
with their summaries, and 工单进度.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "enterprise_install",
    "new_install",
    "new_install_summary",
    "progress",
    "rename_transfer",
    "rename_transfer_summary",
]
