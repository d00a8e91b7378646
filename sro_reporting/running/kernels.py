"""Warm Jupyter kernels for the batch: one per worker process, reused from report to report.

Each report notebook starts with `%reset -f`, so it runs in an empty namespace while the
kernel keeps pandas, matplotlib and the package imported. The kernel's client is kept too (a new
one waits about 0.2 s for the kernel to be ready). A kernel that dies is replaced. The papermill
engine `sro-warm` runs notebooks this way.
"""

from __future__ import annotations

import os
import tempfile

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from traitlets import default


class IpcKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over local sockets, not TCP."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        # IPC sockets are files named from `ip`; a folder of its own keeps parallel kernels apart.
        return os.path.join(tempfile.mkdtemp(prefix="sro-kernel-"), "ipc")


class WarmKernel:
    """One kernel manager and its client, kept for the life of a worker process."""

    def __init__(self) -> None:
        self.km: IpcKernelManager | None = None
        self.kc = None
        self.notebook = None  # the last notebook run, as papermill holds it (with its banner after a failure)

    def get(self, name: str) -> IpcKernelManager:
        """Return the worker's kernel manager (papermill starts its kernel on first use)."""
        if self.km is None:
            self.km = IpcKernelManager(kernel_name=name)
        return self.km

    def check(self) -> None:
        """Drop the kernel if it has died, so the next report starts a fresh one."""
        if self.km is not None and self.km.has_kernel and not run_sync(self.km.is_alive)():
            self.close()

    def close(self) -> None:
        """Stop the client and shut the kernel down."""
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km, self.kc = None, None


WARM = WarmKernel()


class WarmNotebookClient(PapermillNotebookClient):
    """Papermill's notebook client, reusing the worker's kernel client."""

    async def async_start_new_kernel_client(self):
        if WARM.kc is None:
            WARM.kc = await super().async_start_new_kernel_client()
        self.kc = WARM.kc
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)


class WarmEngine(NBClientEngine):
    """Papermill engine `sro-warm`: the nbclient engine on the worker's warm kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        kwargs.pop("input_path", None)
        WARM.notebook = nb_man.nb
        client = WarmNotebookClient(nb_man, km=WARM.get(kernel_name), timeout=execution_timeout,
                                    startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                    log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                                    **kwargs)
        return client.execute()


papermill_engines.register("sro-warm", WarmEngine)
