;; Reads `input.txt` by relative path from its working directory (the pre-opened module folder,
;; fd 3) between the markers, then echoes it to stdout.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 1)
  ;; 0..8: iovec; 8: result slot; 16: opened fd; 64: path; 128: error text; 1024..: file contents
  (data (i32.const 64) "input.txt")
  (data (i32.const 128) "cannot open input.txt\n")
  (func $write (param $fd i32) (param $buf i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $buf))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (local $len i32)
    call $bench_start
    ;; path_open(dir fd 3, no symlink following, "input.txt", no oflags, rights: fd_read, ...)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 9) (i32.const 0)
                         (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16))
      (then
        (call $write (i32.const 2) (i32.const 128) (i32.const 22))
        (call $proc_exit (i32.const 1))))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 60000))
    (drop (call $fd_read (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 8)))
    (local.set $len (i32.load (i32.const 8)))
    (drop (call $fd_close (i32.load (i32.const 16))))
    call $bench_end
    (call $write (i32.const 1) (i32.const 1024) (local.get $len))))
