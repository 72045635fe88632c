"""The general table reader: cells from any serialisation placed into indicator rows by what they are."""
