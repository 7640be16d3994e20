;; Uses the GC proposal (an array type, `array.new`, `array.get`), as sightglass's `splay` does;
;; its folder has no expected output, so its output is not checked (and the run says so).
(module
  (type $numbers (array (mut i32)))
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (global $sum (mut i32) (i32.const 0))
  (func (export "_start")
    (local $a (ref $numbers))
    call $bench_start
    (local.set $a (array.new $numbers (i32.const 7) (i32.const 100)))
    (global.set $sum (array.get $numbers (local.get $a) (i32.const 99)))
    call $bench_end))
