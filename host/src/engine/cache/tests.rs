use super::*;

/// A cache entry of `bytes` bytes last used `age` ago.
fn entry(dir: &Path, name: &str, bytes: usize, age: Duration) {
    let path = dir.join(name);
    std::fs::write(&path, vec![0u8; bytes]).unwrap();
    let file = std::fs::File::options().append(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

fn names(cache: &CompileCache) -> Vec<String> {
    cache
        .entries()
        .unwrap()
        .iter()
        .map(|e| e.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn pruning_removes_the_least_recently_used_first_and_only_cache_files() {
    let dir = tempfile::tempdir().unwrap();
    let hour = Duration::from_secs(3600);
    entry(dir.path(), "old.cwasm", 100, 3 * hour);
    entry(dir.path(), "mid.cwasm", 100, 2 * hour);
    entry(dir.path(), "new.cwasm", 100, hour);
    entry(dir.path(), "notes.txt", 1000, 9 * hour);
    let cache = CompileCache::new(Some(dir.path().to_path_buf()));
    assert_eq!(names(&cache), ["old.cwasm", "mid.cwasm", "new.cwasm"]);

    let rule = |max_bytes, older_than| PruneRule {
        max_bytes,
        older_than,
    };
    // Under the cap: nothing goes.
    assert_eq!(cache.prune(rule(300, None)).unwrap().removed, 0);
    // Over it: the oldest go until the rest fit.
    let pruned = cache.prune(rule(150, None)).unwrap();
    assert_eq!((pruned.removed, pruned.removed_bytes), (2, 200));
    assert_eq!((pruned.kept, pruned.kept_bytes), (1, 100));
    assert_eq!(names(&cache), ["new.cwasm"]);
    assert!(dir.path().join("notes.txt").exists());

    // A hit makes an entry the newest; age removes what wasn't used lately.
    entry(dir.path(), "again.cwasm", 100, 5 * hour);
    mark_used(&dir.path().join("again.cwasm"));
    assert_eq!(names(&cache), ["new.cwasm", "again.cwasm"]);
    let pruned = cache
        .prune(rule(u64::MAX, Some(Duration::from_secs(60))))
        .unwrap();
    assert_eq!(pruned.removed, 1);
    assert_eq!(names(&cache), ["again.cwasm"]);

    // An entry being written is never the one evicted for it.
    let kept = dir.path().join("again.cwasm");
    assert_eq!(
        cache
            .prune_except(rule(0, None), Some(&kept))
            .unwrap()
            .removed,
        0
    );
}

#[test]
fn no_folder_means_no_entries() {
    let cache = CompileCache::new(None);
    assert!(cache.entries().unwrap().is_empty());
    let missing = CompileCache::new(Some(PathBuf::from("/nonexistent/wasmbench-cache")));
    assert!(missing.entries().unwrap().is_empty());
}

#[test]
fn sizes_parse_with_units() {
    assert_eq!(parse_size("2 GiB"), Some(2 << 30));
    assert_eq!(parse_size("1024"), Some(1024));
    assert_eq!(parse_size("lots"), None);
}

/// A core module whose `answer` returns `n`.
fn module(n: i32) -> Vec<u8> {
    wat::parse_str(format!(
        "(module (func (export \"answer\") (result i32) i32.const {n}))"
    ))
    .unwrap()
}

fn answer(engine: &Engine, module: &Module) -> i32 {
    let mut store = wasmtime::Store::new(engine, ());
    let instance = wasmtime::Instance::new(&mut store, module, &[]).unwrap();
    instance
        .get_typed_func::<(), i32>(&mut store, "answer")
        .unwrap()
        .call(&mut store, ())
        .unwrap()
}

#[test]
fn only_entries_vouched_for_by_this_key_for_this_wasm_are_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::default();
    let key = CacheKey::from_secret(b"this machine");
    let cache = CompileCache::with_key(dir.path().to_path_buf(), key.clone());
    let (one, two) = (module(1), module(2));

    let first = cache.compile::<Module>(&engine, &one).unwrap();
    assert!(!first.cached);
    let again = cache.compile::<Module>(&engine, &one).unwrap();
    assert!(again.cached, "a vouched entry loads");
    assert_eq!(answer(&engine, &again.artifact), 1);

    // Another plugin's compiled code put in its place (vouched, but for other wasm): compiled
    // again, and the code run is this wasm's.
    cache.compile::<Module>(&engine, &two).unwrap();
    let path_of = |wasm: &[u8]| cache.entry_path::<Module>(&engine, wasm).unwrap();
    std::fs::copy(path_of(&two), path_of(&one)).unwrap();
    let swapped = cache.compile::<Module>(&engine, &one).unwrap();
    assert!(!swapped.cached, "another wasm's entry must not load");
    assert_eq!(answer(&engine, &swapped.artifact), 1);
    assert!(
        cache.compile::<Module>(&engine, &one).unwrap().cached,
        "replaced by a good one"
    );

    // Entries made under another key (another machine, a cache restored from elsewhere), raw
    // wasmtime artifacts, and truncated entries are compiled again too.
    let elsewhere =
        CompileCache::with_key(dir.path().to_path_buf(), CacheKey::from_secret(b"other"));
    assert!(!elsewhere.compile::<Module>(&engine, &one).unwrap().cached);
    let raw = Module::new(&engine, &two).unwrap().serialize().unwrap();
    std::fs::write(path_of(&one), &raw).unwrap();
    assert!(!cache.compile::<Module>(&engine, &one).unwrap().cached);
    let whole = std::fs::read(path_of(&one)).unwrap();
    std::fs::write(path_of(&one), &whole[..whole.len() / 2]).unwrap();
    let truncated = cache.compile::<Module>(&engine, &one).unwrap();
    assert!(!truncated.cached);
    assert_eq!(answer(&engine, &truncated.artifact), 1);
}
