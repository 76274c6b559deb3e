"""What people touch: the command line (cli), the window (gui), and their words (texts).

Widgets here are thin adapters: drawing lives in `layers`, everything else in
the headless engine `qjgis`.
"""
