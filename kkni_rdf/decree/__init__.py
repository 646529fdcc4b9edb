"""The decree as printed: its records (``model``) and the reader of the annex format (``parser``)."""
