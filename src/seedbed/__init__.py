"""Seedbed: run an innovation fund that invests in open-source digital public goods."""

__version__ = "0.1.0"
