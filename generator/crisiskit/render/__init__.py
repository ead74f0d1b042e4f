"""Rendering: pages and feeds from composed revisions; kit text kept text (markup subset, escaping, sanitising)."""
