"""Pure transforms: text in, records out. No file, network or database I/O."""
