;; Loops forever after bench.end: the deadline covers the whole run, not only the measured span.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (func (export "_start")
    call $bench_start
    call $bench_end
    (loop $forever (br $forever))))
