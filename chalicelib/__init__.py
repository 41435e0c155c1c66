"""Antre: booking and queue backend for Indonesia's public service malls (MPP)."""
