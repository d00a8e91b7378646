"""Linking calls for service to schools: address normalization and the contract's link rules."""
