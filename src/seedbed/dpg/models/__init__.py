"""The DPG part's tables: repositories and scans (``repositories``), the DPGA registry (``registry``),
assessments and DPG status (``assessment``). Import them from here."""

from seedbed.dpg.models.assessment import (
    DpgStatus,
    DpgStatusSource,
    DpgStatusValue,
    Indicator,
    IndicatorAnswer,
)
from seedbed.dpg.models.registry import RegistryMatch, RegistryRecord, RegistryStage
from seedbed.dpg.models.repositories import Repository, Scan, ScanCheck, ScanStatus

__all__ = [
    "DpgStatus",
    "DpgStatusSource",
    "DpgStatusValue",
    "Indicator",
    "IndicatorAnswer",
    "RegistryMatch",
    "RegistryRecord",
    "RegistryStage",
    "Repository",
    "Scan",
    "ScanCheck",
    "ScanStatus",
]
