;; Prints "a\r\nb\r\n"; its own `crlf.stdout.expected` ("a\nb") wins over the folder's default,
;; and line endings don't count.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  (data (i32.const 64) "a\r\nb\r\n")
  (func (export "_start")
    call $bench_start
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    call $bench_end))
