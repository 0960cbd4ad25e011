"""Business applications and their work orders: 更名/过户 and 新装 (个人, 企业) as they are filed,
addresses, regions, equipment, enterprise particulars, site-survey appointments, frozen form
summaries, work orders, their progress and pushes, the business system hand-over, operator commands.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "addresses",
    "appointments",
    "business_system",
    "cli",
    "enterprise",
    "equipment",
    "form_summaries",
    "new_install",
    "new_install_forms",
    "order_progress",
    "region_data",
    "regions",
    "rename_transfer",
    "rename_transfer_filing",
    "templates",
    "work_orders",
    "working_days",
]
