"""Running reports: the plan of a period, worker kernels, the batch and its manifest."""
