;; fib(27), recursive, between the sightglass markers: a CPU-bound module that both wasmbench
;; (as a sightglass-convention core module) and the bare embedding (host/benches/bare_embedding.rs)
;; run, for scripts/slow-executions.sh.
(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (global $sink (mut i32) (i32.const 0))
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "_start")
    (call $start)
    (global.set $sink (call $fib (i32.const 27)))
    (call $end)))
