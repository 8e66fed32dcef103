"""Projection of source spans into translations, and the fidelity flags read from them."""
