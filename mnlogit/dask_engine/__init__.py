"""Dask engine: the exact Newton fit on Dask DataFrames and Parquet data."""
