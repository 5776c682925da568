"""The register of hardship households: one archive per household (households), search, the income test (eligibility) and scans (attachments)."""
