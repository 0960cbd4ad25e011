"""故障报修 (repairs): the report_fault form's questions and validation, and filing the report as a
repair work order. The safety instruction for danger words is a rule (data/core/rules/repairs.yml)
on the intent bot.rasa_ext.safety sets; no action is needed for it.

rasa-sdk imports every module here; the package itself imports nothing, so no action is
registered twice.
"""
__all__ = [
    "fault_form",
    "fault_submit",
]
