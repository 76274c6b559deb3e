"""What people touch: the main window, the map canvas, settings, translations.

Widgets here are thin adapters: drawing lives in `layers`, everything else in
the headless engine `qjgis`.
"""
