"""The register list (档案管理)."""
