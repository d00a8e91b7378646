"""Disclosure control of the MPS release: the table model, the attack, the protection and the audit."""
