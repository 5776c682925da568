"""职工医疗互助: plans, units and members, enrolment, contributions, claims and the rule, quarterly
settlements (settle) and the reports' workbooks (xlsx)."""
