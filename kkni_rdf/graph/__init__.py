"""The decree's RDF graph: built from the parsed decree and written as stable Turtle."""
