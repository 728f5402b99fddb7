"""The register of areas (versioned data in ``areas.yaml``) and the designations store (GSA/KSA).

Nothing is loaded at import time: ``get_register()`` reads the register on first use.
"""

from knowledge.registry.areas import (
    Area,
    Coordination,
    Register,
    RegisterError,
    Resolution,
    get_register,
    load_areas,
)
from knowledge.registry.designations import AuditEntry, Designation, DesignationStore

__all__ = [
    "Area",
    "AuditEntry",
    "Coordination",
    "Designation",
    "DesignationStore",
    "Register",
    "RegisterError",
    "Resolution",
    "get_register",
    "load_areas",
]
