"""Build the graph: read the data tables (:mod:`.tables`) by the table registry (:mod:`.registry`), turn
each row into triples (:mod:`.rows`, checked by a :class:`.context.BuildContext`), derive the pair
summaries (:mod:`.summaries`) and write N-Quads (:mod:`.builder`) with the dataset's statistics (:mod:`.statistics`)."""

from .builder import Build, build_dataset, build_open, build_to_file, origins_path, read_origins, write_nquads
from .registry import ENTITY_TABLES, REGISTRY, TABLES, TableSpec, read_tables
from .tables import IMPORTED_DIR, Row, read_table

__all__ = ["Build", "build_dataset", "build_open", "build_to_file", "origins_path", "read_origins", "write_nquads",
           "ENTITY_TABLES", "REGISTRY", "TABLES", "TableSpec", "read_tables", "IMPORTED_DIR", "Row", "read_table"]
