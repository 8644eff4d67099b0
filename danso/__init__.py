"""danso: management information system for population and family-planning work in Vietnam."""

__version__ = "0.1.0"
