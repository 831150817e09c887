"""Packaging for ckanext-provincialstats.

``schemas/`` and ``i18n/`` live at the top of the repository (the project card's
layout) and are mapped into the package as ``ckanext.provincialstats.schemas`` and
``ckanext.provincialstats.i18n``, so ``ckanext.provincialstats.schemas:dataset.yaml``
resolves both in an editable and in a plain ``pip install .``.
"""
from setuptools import find_packages, setup

# What the extension needs, as compatible ranges: installing it into an existing CKAN 2.11
# site keeps that site's CKAN and libraries. CKAN is required WITHOUT its [requirements]
# extra (that extra pins every library of one CKAN release); flask, sqlalchemy, alembic,
# click, werkzeug and python-dateutil, which the code also imports, come with any working
# CKAN 2.11. The exact, tested stack (CKAN 2.11.6 and the rest) is pinned in
# requirements/dev.txt, which `make run` and `make test` install.
INSTALL_REQUIRES = [
    "ckan>=2.11,<2.12",
    "ckanext-scheming>=3.1,<4",
    "ckanext-dcat>=2.4,<3",
    "ckanext-harvest>=1.6,<2",
    "pythainlp>=5,<6",
    # DataStore loading: XLSX files and dumps, encoding detection (Thai TIS-620/cp874).
    "openpyxl>=3.1,<4",
    "charset-normalizer>=3,<4",
]
# The test tools, unpinned here (pinned in requirements/dev.txt).
TEST_REQUIRES = [
    "pytest>=8",
    "pytest-factoryboy",
    "factory-boy",
    "Faker",
    "ckanapi",
    "hypothesis",
    "pyshacl",
    "ruff",
    "playwright>=1.40,<2",
    # the OpenAPI document's schemas checked against live answers (tests/opendata)
    "jsonschema>=4.18,<5",
    # `make test` runs one worker per core (scripts/dev.sh, tests/conftest.py)
    "pytest-xdist>=3.5,<4",
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
            "migration/provincialstats/*.ini",
            "migration/provincialstats/*.py",
            "migration/provincialstats/*.mako",
            "migration/provincialstats/versions/*.py",
            "openapi/*.yaml",
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
            "provincialstats_ckan = ckanext.provincialstats.harvest.plugins:CKANHarvester",
            "provincialstats_dcat = ckanext.provincialstats.harvest.plugins:DCATHarvester",
            "provincialstats_sheet = ckanext.provincialstats.harvest.plugins:SheetHarvester",
            "provincialstats_chart = ckanext.provincialstats.chartview.plugin:ChartViewPlugin",
        ],
        "ckan.rdf.profiles": [
            "provincialstats = ckanext.provincialstats.dcat.profile:ProvincialStatsProfile",
            "provincialstats_schemaorg = "
            "ckanext.provincialstats.dcat.schemaorg:ProvincialStatsSchemaOrgProfile",
        ],
    },
)
