"""The statistics dashboard (charts drawn with QPainter) and the monthly / yearly report page."""
