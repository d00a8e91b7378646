"""Which Jupyter kernel runs the reports: the project's, where it is installed (`make setup` installs it)."""

from __future__ import annotations

PROJECT_KERNEL = "sro-reporting"


def kernel_name() -> str:
    """Return the project's kernel, or this environment's own where it is not registered."""
    from jupyter_client.kernelspec import KernelSpecManager

    return PROJECT_KERNEL if PROJECT_KERNEL in KernelSpecManager().find_kernel_specs() else "python3"
