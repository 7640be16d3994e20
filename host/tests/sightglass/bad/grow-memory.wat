;; Grows its linear memory by 1 MiB at a time, 64 times, before reaching bench.start: the memory
;; limit covers the whole run, not only the measured span.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $i i32)
    (loop $grow
      (drop (memory.grow (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $grow (i32.lt_u (local.get $i) (i32.const 64))))
    call $bench_start
    call $bench_end))
