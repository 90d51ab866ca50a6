"""Chorus analysis: plain data in, plain data out.

This package never imports Flask, SQLAlchemy or anything from ``webapp``; it is
used by the web app and from the command line (``python -m analysis …``).
"""
