"""CPU-bound work in Python: the same `fib` workload as the Rust `cpu` plugin (plugins/cpu), with the
same parameter, default, checksum and units, so the two can be compared in one group."""

import wasmbench


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Fib(wasmbench.Workload):
    name = "fib"
    description = "naive recursive Fibonacci of n (call-heavy)"
    params = {"n": "25"}

    def __init__(self, params):
        self.n = params.u64("n")
        if self.n > 90:
            raise wasmbench.Error("parameter `n` must be at most 90 (fib overflows u64), got %d" % self.n)

    def run(self):
        return wasmbench.Outcome(fib(self.n), 1)


Workload = wasmbench.register(Fib)
