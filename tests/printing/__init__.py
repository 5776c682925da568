"""Tests of the printed forms (printing/): templates, PDFs, the print command."""
