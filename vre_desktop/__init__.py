"""Velvet Rope Desktop: the application (command line, settings, wiring)."""

__version__ = "0.1.0"
