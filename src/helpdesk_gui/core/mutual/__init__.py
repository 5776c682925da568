"""职工医疗互助: plans, units, members and contributions (scheme), claims and the rule, quarterly settlements."""
