"""The one compiled part of the package: the block walk (crawler/extract/_compiled_walk.pyx).

Everything else lives in pyproject.toml. The extension is optional: where it cannot be
built (no C compiler, no Python headers), the install goes on without it and
crawler.extract.blocks walks the tree in pure Python, with the same result, only slower.
"""

from __future__ import annotations

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that reports a failed compile and goes on (setuptools' own `optional` flag
    is not honoured by every build path, editable installs among them)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # (any failure only costs speed)
            self.report(error)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:
            self.report(error)

    @staticmethod
    def report(error: Exception) -> None:
        print(
            f"report-archiver: the compiled walk was not built ({error}); "
            "the pure-Python walk will be used (same records, slower)",
            file=sys.stderr,
        )


def extensions() -> list[Extension]:
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:  # a build without the build-system requirements
        return []
    walk = Extension(
        "crawler.extract._compiled_walk",
        ["crawler/extract/_compiled_walk.pyx"],
        include_dirs=lxml.get_include(),
    )
    try:
        return cythonize([walk], language_level=3, quiet=True)
    except Exception as error:  # (a Cython that cannot translate it: the install goes on)
        OptionalBuildExt.report(error)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
