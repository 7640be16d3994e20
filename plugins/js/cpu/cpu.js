// CPU-bound work in JavaScript: the `fib` workload of the Rust `cpu` plugin (plugins/cpu), with the
// same parameter, default, checksum and units, so the two can be compared in one group.
import { register } from "../../sdk-js/wasmbench.js";

// fib(78) is the largest that a Number holds exactly (fib(79) > 2^53 - 1); the Rust plugin allows
// up to 90, but naive recursion past ~45 takes hours anyway.
const MAX_N = 78;

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

const fibWorkload = {
  name: "fib",
  description: "naive recursive Fibonacci of n (call-heavy)",
  params: { n: "25" },
  setup(params) {
    const n = params.int("n");
    if (n > MAX_N) {
      throw new Error(`parameter \`n\` must be at most ${MAX_N} (fib exceeds Number.MAX_SAFE_INTEGER), got ${n}`);
    }
    return { run: () => ({ checksum: fib(n), units: 1 }) };
  },
};

export const workload = register(fibWorkload);
