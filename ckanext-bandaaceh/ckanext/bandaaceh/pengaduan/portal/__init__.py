"""Complaint figures on CKAN: the ``pengaduan`` datasets, their import, the /pengaduan page."""
