;; The smallest benchmark in the sightglass convention: prints one line between the markers, then
;; ends with proc_exit(0), as many WASI commands do.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello from a sightglass benchmark\n")
  (func (export "_start")
    call $bench_start
    ;; one iovec at 0: { buf = 64, len = 34 }
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 34))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    call $bench_end
    (call $proc_exit (i32.const 0))))
