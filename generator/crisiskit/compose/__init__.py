"""Composition: facts into texts, revisions in every language, channel posts, approval state.

And the one predicate for what is public (visibility.py).
"""
