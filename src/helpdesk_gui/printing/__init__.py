"""Printed forms: templates in ``forms/`` rendered to PDF with reportlab. No Qt."""
