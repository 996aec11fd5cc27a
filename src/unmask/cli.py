"""The `unmask` command: every management command of the project (`unmask demo_data`, ...)."""

from unmask.manage import main

__all__ = ["main"]
