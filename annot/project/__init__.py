"""Projection: source spans -> their place in each translation and each linked human version."""
