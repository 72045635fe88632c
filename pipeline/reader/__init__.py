"""The general table reader: header, column roles and cells, whatever shape the document gives them."""
