"""Prowler plug-in: CIS AWS Foundations 4.12 (changes to network gateways), decided by meaning."""

__version__ = "0.1.0"
