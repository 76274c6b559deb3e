"""Remediation cases: ruined houses (残垣断壁整治) and dangerous-house renovation (危房改造)."""
