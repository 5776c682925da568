"""The applications page (帮扶申请): lists by state, the detail view with its timeline and a dialog
for each step; campaigns (集中帮扶活动) and the yearly review (年度复核)."""
