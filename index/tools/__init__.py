"""Build-time tools of the index (run by hand or by make, never by the servers)."""
