"""Prowler plug-in: CIS AWS Foundations 4.12 (changes to network gateways), decided by meaning."""

from .caches import purge_caches

__version__ = "0.1.0"  # the one place the version is written (setup.cfg reads it)
PLUGIN = f"prowler-cis-network-gateways {__version__}"

__all__ = ["PLUGIN", "__version__", "purge_caches"]
