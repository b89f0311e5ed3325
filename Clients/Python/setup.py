"""Generates the message code from Protocol/engram.proto while building (see generate.py).

Metadata is in pyproject.toml; this file only hooks generation into ``build_py``, so that
``pip install Clients/Python`` (from the repository, with protoc installed) works. Set
ENGRAM_PROTO to the schema's path when building from elsewhere.
"""

import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildWithGeneratedCode(build_py):
    def run(self) -> None:
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py")], check=True)
        super().run()


setup(cmdclass={"build_py": BuildWithGeneratedCode})
