"""The core: likelihood kernels, row sources and the Newton solver.

Pure numerics over (θ, design blocks, outcome codes, weights); nothing here knows
about formulas, covariance types or reports.
"""
