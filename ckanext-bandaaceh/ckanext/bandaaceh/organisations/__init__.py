"""Organisations of the portal: SKPD, kecamatan and gampong (schema validators, seeding, directory)."""
