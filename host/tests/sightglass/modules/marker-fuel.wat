;; Heavy work outside the markers (a million loop turns before bench.start and after bench.end),
;; a hundred turns between them: the fuel and time measured are those of the hundred.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (global $sink (mut i32) (i32.const 0))
  (data (i32.const 64) "spun\n")
  ;; $n turns of a small loop; the sum goes to $sink so the work is observable.
  (func $spin (param $n i32)
    (local $acc i32)
    (block $done
      (loop $turn
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $turn)))
    (global.set $sink (i32.xor (global.get $sink) (local.get $acc))))
  (func (export "_start")
    (call $spin (i32.const 1000000))
    call $bench_start
    (call $spin (i32.const 100))
    call $bench_end
    (call $spin (i32.const 1000000))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 5))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
