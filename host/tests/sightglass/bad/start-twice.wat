;; Breaks the marker protocol: bench.start twice.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (func (export "_start")
    call $bench_start
    call $bench_start
    call $bench_end))
