"""Storage: every DuckDB and Parquet read and write, the publish commit, the quality report."""
