"""Scripts that turn public reference tables into rows of ``kg/data/imported/``.

Each importer reads files the user points it at (nothing is fetched), keeps every fact's source
and record, and writes tables with the schema of the table registry (``kg/build/registry.py``). The build reads them after the
curated tables; people edit the curated tables, and rerun the importer rather than edit its output.
"""
