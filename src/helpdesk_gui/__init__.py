"""帮扶中心工作台 (helpdesk-gui): a desk program for county trade-union help centres.

Layers: ``core`` (headless domain and SQLite), ``exchange`` (Excel batches), ``printing``
(PDF forms) and ``gui`` (PySide6 window). Only ``gui`` may import Qt.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("helpdesk-gui")
except _metadata.PackageNotFoundError:  # running from a bare checkout or a frozen build without metadata
    __version__ = "0.1.0"
