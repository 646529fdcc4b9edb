"""Stores: the embedded Oxigraph store, a remote SPARQL 1.1 store, and the protocol both satisfy."""
