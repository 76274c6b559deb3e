"""qjgis: the headless engine of the qjgis desktop GIS (no Qt here)."""

__version__ = "0.1.0"
