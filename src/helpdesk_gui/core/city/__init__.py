"""The city union's desk: a database initialised with a city code (``530100``) holds its counties' archives,
finds people active in two counties, and decides what goes back down to each county (核查结果, 下拨资金)."""
