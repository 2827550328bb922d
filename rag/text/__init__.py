"""Text: the one copy of each Vietnamese text utility (normalisation, syllables, sentences) and the CSV table reader."""
