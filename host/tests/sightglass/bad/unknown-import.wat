;; Imports a function the host doesn't lend: it fails to load, and its bench keeps the id it would
;; have had (`bad/unknown-import`), so a baseline comparison says `failed`.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (import "env" "nope" (func $nope))
  (func (export "_start")
    call $bench_start
    call $nope
    call $bench_end))
