"""The centre itself: settings, first set-up, townships and users (centre), 低保 standards (policy), holidays (workdays), backup and retention."""
