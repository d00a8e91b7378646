"""Reading and checking the input tables: files, code sets, parsing, the data-quality log, `load`."""
