"""Glutes High: a camera squat game that rewards a neutral pelvis and glutes kept high."""

__version__ = "0.1.0"
