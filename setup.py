"""The one compiled part of the package: the block walk (crawler/extract/_compiled_walk.pyx).

Everything else lives in pyproject.toml. The extension is optional: where no C compiler can
build it, the install goes on and crawler.extract.blocks walks the tree in pure Python, with
the same result, only slower.
"""

from setuptools import Extension, setup


def extensions() -> list[Extension]:
    import lxml
    from Cython.Build import cythonize

    walk = Extension(
        "crawler.extract._compiled_walk",
        ["crawler/extract/_compiled_walk.pyx"],
        include_dirs=lxml.get_include(),
        optional=True,
    )
    return cythonize([walk], language_level=3, quiet=True)


setup(ext_modules=extensions())
