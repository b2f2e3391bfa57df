"""Packages: generator and its subpackages, plus templates/ and assets/ shipped inside it."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["generator", "generator.*"]) + ["generator._templates", "generator._assets"])
