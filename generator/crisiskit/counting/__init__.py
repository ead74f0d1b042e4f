"""Counting for channels: X's weighted length, SMS encodings and parts, limits per channel."""
