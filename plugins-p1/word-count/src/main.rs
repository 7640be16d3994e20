//! A benchmark in the sightglass convention: reads `input.txt` from its working directory (the
//! module's own folder), counts its lines, words and bytes and hashes it between `bench.start` and
//! `bench.end`, then prints the result to stdout and a note to stderr.

#[link(wasm_import_module = "bench")]
unsafe extern "C" {
    #[link_name = "start"]
    fn bench_start();
    #[link_name = "end"]
    fn bench_end();
}

struct Counts {
    lines: usize,
    words: usize,
    bytes: usize,
    longest_word: usize,
    fnv1a: u64,
}

fn count(text: &[u8]) -> Counts {
    let mut counts = Counts {
        lines: 0,
        words: 0,
        bytes: text.len(),
        longest_word: 0,
        fnv1a: 0xcbf2_9ce4_8422_2325,
    };
    let mut word = 0;
    for &b in text {
        counts.fnv1a = (counts.fnv1a ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        if b == b'\n' {
            counts.lines += 1;
        }
        if b.is_ascii_whitespace() {
            if word > 0 {
                counts.words += 1;
                counts.longest_word = counts.longest_word.max(word);
            }
            word = 0;
        } else {
            word += 1;
        }
    }
    if word > 0 {
        counts.words += 1;
        counts.longest_word = counts.longest_word.max(word);
    }
    counts
}

fn main() {
    // A relative path: the host pre-opens the module's folder as the working directory.
    let text = match std::fs::read("input.txt") {
        Ok(text) => text,
        Err(e) => {
            eprintln!("word-count: cannot read input.txt: {e}");
            std::process::exit(2);
        }
    };
    // SAFETY: the host's markers take no arguments and touch no guest memory.
    unsafe { bench_start() };
    let counts = count(std::hint::black_box(&text));
    unsafe { bench_end() };
    println!("lines {}", counts.lines);
    println!("words {}", counts.words);
    println!("bytes {}", counts.bytes);
    println!("longest word {}", counts.longest_word);
    println!("fnv1a {:016x}", counts.fnv1a);
    eprintln!("word-count: done");
}
