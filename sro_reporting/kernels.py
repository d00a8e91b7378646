"""Warm Jupyter kernels for the batch: one per worker process, reused from report to report.

Each report notebook starts with `%reset -f`, so it runs in an empty namespace while the
kernel keeps pandas, seaborn and the package imported. A kernel that dies is replaced.
"""

from __future__ import annotations

import os
import tempfile

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

PROJECT_KERNEL = "sro-reporting"


class IpcKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over local sockets, not TCP."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        # IPC sockets are files named from `ip`; a folder of its own keeps parallel kernels apart.
        return os.path.join(tempfile.mkdtemp(prefix="sro-kernel-"), "ipc")


def kernel_name() -> str:
    """Return the project's kernel, or this environment's own where it is not registered."""
    return PROJECT_KERNEL if PROJECT_KERNEL in KernelSpecManager().find_kernel_specs() else "python3"


class WarmKernel:
    """One kernel manager kept for the life of a worker process."""

    def __init__(self) -> None:
        self.km: IpcKernelManager | None = None

    def get(self, name: str) -> IpcKernelManager:
        """Return the worker's kernel manager (papermill starts its kernel on first use)."""
        if self.km is None:
            self.km = IpcKernelManager(kernel_name=name)
        return self.km

    def check(self) -> None:
        """Drop the kernel if it has died, so the next report starts a fresh one."""
        from jupyter_core.utils import run_sync

        if self.km is not None and self.km.has_kernel and not run_sync(self.km.is_alive)():
            run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None

    def close(self) -> None:
        """Shut the kernel down."""
        from jupyter_core.utils import run_sync

        if self.km is not None and self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None


WARM = WarmKernel()
