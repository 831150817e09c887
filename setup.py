"""Packaging for ckanext-provincialstats.

``schemas/`` and ``i18n/`` live at the top of the repository (the project card's
layout) and are mapped into the package as ``ckanext.provincialstats.schemas`` and
``ckanext.provincialstats.i18n``, so ``ckanext.provincialstats.schemas:dataset.yaml``
resolves both in an editable and in a plain ``pip install .``.
"""
from setuptools import find_packages, setup

# The one place where versions are pinned.
INSTALL_REQUIRES = [
    "ckan[requirements]==2.11.6",
    "ckanext-scheming==3.1.0",
    "ckanext-dcat==2.4.4",
    "ckanext-harvest==1.6.3",
    "requests>=2.32,<3",
    "pythainlp==5.4.0",
]
TEST_REQUIRES = [
    # Pinned the way CKAN 2.11 pins its own test tools (dev-requirements.txt).
    "pytest==8.3.4",
    "pytest-factoryboy==2.7.0",
    "factory-boy==3.3.0",
    "Faker==26.0.0",
    "ckanapi==4.11",
    "hypothesis==6.170.15",
    "pyshacl==0.40.1",
    "ruff==0.17.5",
]

packages = find_packages(include=["ckanext", "ckanext.*"]) + [
    "ckanext.provincialstats.schemas",
    "ckanext.provincialstats.i18n",
]

setup(
    name="ckanext-provincialstats",
    version="0.1.0",
    description="Thai provincial statistics data centre for CKAN "
    "(ศูนย์ข้อมูลกลางจังหวัด)",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=packages,
    package_dir={
        "ckanext.provincialstats.schemas": "schemas",
        "ckanext.provincialstats.i18n": "i18n",
    },
    package_data={
        "ckanext.provincialstats": [
            "config_declaration.yaml",
            "search/config_declaration.yaml",
            "templates/**/*",
            "assets/**/*",
            "vocab/*.json",
            "vocab/*.csv",
            "migration/provincialstats_search/*.ini",
            "migration/provincialstats_search/*.py",
            "migration/provincialstats_search/*.mako",
            "migration/provincialstats_search/versions/*.py",
            "demo/**/*",
        ],
        "ckanext.provincialstats.schemas": ["*.yaml"],
        "ckanext.provincialstats.i18n": ["*/LC_MESSAGES/*.po", "*/LC_MESSAGES/*.mo", "*.pot"],
    },
    include_package_data=False,
    zip_safe=False,
    install_requires=INSTALL_REQUIRES,
    extras_require={"test": TEST_REQUIRES},
    entry_points={
        "ckan.plugins": [
            "provincialstats = ckanext.provincialstats.plugin:ProvincialStatsPlugin",
            "provincialstats_search = ckanext.provincialstats.search.plugin:PostgresSearchPlugin",
        ],
    },
)
