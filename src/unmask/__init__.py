"""unmask: an evidence-backed record of a war machine's supply chain, and a campaign around it."""

__version__ = "0.1.0"
