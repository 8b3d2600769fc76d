"""DPG readiness: repository scans, the DPG Standard assessment, the DPGA registry and nominations
(PRODUCT.md part 6)."""
