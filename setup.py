"""The package list, which pyproject.toml's static configuration cannot express.

Every package under ``mnlogit/`` is found automatically (a new subpackage is never
forgotten), and the shipped data sets, kept in the repository's top-level
``datasets/`` folder, are added as ``mnlogit._datasets`` (pyproject.toml maps that
package to the folder): automatic discovery and such a mapping cannot be combined
in ``[tool.setuptools]``.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["mnlogit", "mnlogit.*"]),
        "mnlogit._datasets",
        "mnlogit._datasets.mnist",
    ]
)
