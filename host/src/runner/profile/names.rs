//! The profiling copy of a plugin's binary: every module and function name its name sections give
//! cut to [`MAX_NAME`] bytes (by [`clip`], the rule for plugin text), so that no backtrace taken
//! while profiling — wasmtime's `WasmBacktrace` copies each frame's name, the `GuestProfiler`'s
//! symbol table holds each function's — holds more than that per frame, however long the names the
//! guest gave itself. Nested modules and components are rewritten too; a name section that can't
//! be read is dropped (wasmtime ignores one as well), one with no name over the cap is kept as is,
//! so an ordinary plugin's binary is unchanged.

use std::borrow::Cow;

use crate::model::clip;

/// The longest function or module name the profiler keeps (then `… (N more bytes cut)`).
pub const MAX_NAME: usize = 4096;

/// `binary` (a core module or a component) with its names cut to `max` bytes; borrowed when no
/// name is longer, or when `binary` can't be read as sections (compiling it will say why).
pub fn capped(binary: &[u8], max: usize) -> Cow<'_, [u8]> {
    match rewrite(binary, max) {
        Some(Cow::Owned(rewritten)) => Cow::Owned(rewritten),
        _ => Cow::Borrowed(binary),
    }
}

const MAGIC: &[u8] = b"\0asm";
const CORE_VERSION: &[u8] = &[1, 0, 0, 0];
/// A component's sections that hold a whole core module or component.
const CORE_MODULE_SECTION: u8 = 1;
const COMPONENT_SECTION: u8 = 4;
const CUSTOM_SECTION: u8 = 0;

/// The binary with its names cut, borrowed when nothing changed; `None` when it isn't made of
/// readable sections.
fn rewrite(binary: &[u8], max: usize) -> Option<Cow<'_, [u8]>> {
    if binary.len() < 8 || &binary[..4] != MAGIC {
        return None;
    }
    let component = &binary[4..8] != CORE_VERSION;
    let mut sections: Vec<(u8, Option<Cow<'_, [u8]>>)> = Vec::new();
    let mut changed = false;
    let mut rest = &binary[8..];
    while !rest.is_empty() {
        let id = rest[0];
        let (size, used) = leb_u32(&rest[1..])?;
        let start = 1 + used;
        let payload = rest.get(start..start.checked_add(size as usize)?)?;
        rest = &rest[start + size as usize..];
        let kept = match id {
            CUSTOM_SECTION => custom(payload, max),
            CORE_MODULE_SECTION | COMPONENT_SECTION if component => Some(rewrite(payload, max)?),
            _ => Some(Cow::Borrowed(payload)),
        };
        changed |= !matches!(kept, Some(Cow::Borrowed(_)));
        sections.push((id, kept));
    }
    if !changed {
        return Some(Cow::Borrowed(binary));
    }
    let mut out = binary[..8].to_vec();
    for (id, payload) in sections {
        if let Some(payload) = payload {
            out.push(id);
            write_leb(&mut out, payload.len());
            out.extend_from_slice(&payload);
        }
    }
    Some(Cow::Owned(out))
}

/// A custom section's payload as the profiling copy keeps it: a core `name` section with its
/// names cut (dropped when unreadable); a `component-name` section (names of component items,
/// never a frame's) dropped when longer than `max`; any other kept.
fn custom(payload: &[u8], max: usize) -> Option<Cow<'_, [u8]>> {
    let (name, data) = string(payload)?;
    match name {
        b"name" => match core_names(data, max) {
            Ok(None) => Some(Cow::Borrowed(payload)),
            Ok(Some(names)) => {
                let mut out = Vec::with_capacity(names.len() + 8);
                write_string(&mut out, b"name");
                out.extend_from_slice(&names);
                Some(Cow::Owned(out))
            }
            Err(()) => None,
        },
        b"component-name" if data.len() > max => None,
        _ => Some(Cow::Borrowed(payload)),
    }
}

/// A core name section's subsections with the module name (0) and function names (1) cut;
/// `None` when no name is over `max`.
fn core_names(mut data: &[u8], max: usize) -> Result<Option<Vec<u8>>, ()> {
    let mut out = Vec::new();
    let mut changed = false;
    while !data.is_empty() {
        let id = data[0];
        let (size, used) = leb_u32(&data[1..]).ok_or(())?;
        let start = 1 + used;
        let body = data
            .get(start..start.checked_add(size as usize).ok_or(())?)
            .ok_or(())?;
        data = &data[start + size as usize..];
        let rewritten = match id {
            0 => {
                let (name, rest) = string(body).ok_or(())?;
                if !rest.is_empty() {
                    return Err(());
                }
                let mut new = Vec::new();
                changed |= write_name(&mut new, name, max)?;
                new
            }
            1 => {
                let (count, used) = leb_u32(body).ok_or(())?;
                let mut rest = &body[used..];
                let mut new = Vec::new();
                write_leb(&mut new, count as usize);
                for _ in 0..count {
                    let (index, used) = leb_u32(rest).ok_or(())?;
                    write_leb(&mut new, index as usize);
                    let (name, after) = string(&rest[used..]).ok_or(())?;
                    changed |= write_name(&mut new, name, max)?;
                    rest = after;
                }
                if !rest.is_empty() {
                    return Err(());
                }
                new
            }
            _ => body.to_vec(),
        };
        out.push(id);
        write_leb(&mut out, rewritten.len());
        out.extend_from_slice(&rewritten);
    }
    Ok(changed.then_some(out))
}

/// Writes `name` (UTF-8) cut to `max` bytes; whether it was cut.
fn write_name(out: &mut Vec<u8>, name: &[u8], max: usize) -> Result<bool, ()> {
    let name = std::str::from_utf8(name).map_err(|_| ())?;
    let cut = name.len() > max;
    write_string(out, clip(name, max).as_bytes());
    Ok(cut)
}

/// A LEB128 u32 and how many bytes it took.
fn leb_u32(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value: u64 = 0;
    for (i, byte) in bytes.iter().take(5).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return u32::try_from(value).ok().map(|v| (v, i + 1));
        }
    }
    None
}

fn write_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A length-prefixed string and what follows it.
fn string(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, used) = leb_u32(bytes)?;
    let end = used.checked_add(len as usize)?;
    Some((bytes.get(used..end)?, &bytes[end..]))
}

fn write_string(out: &mut Vec<u8>, text: &[u8]) {
    write_leb(out, text.len());
    out.extend_from_slice(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name of the function a trap in `binary`'s `run` export happened in, as wasmtime's
    /// backtrace gives it.
    fn trapping_function_name(binary: &[u8]) -> String {
        let engine = wasmtime::Engine::default();
        let module = wasmtime::Module::new(&engine, binary).expect("a valid module");
        let mut store = wasmtime::Store::new(&engine, ());
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
        let run = instance
            .get_typed_func::<(), ()>(&mut store, "run")
            .unwrap();
        let error = run.call(&mut store, ()).unwrap_err();
        let trace = error.downcast_ref::<wasmtime::WasmBacktrace>().unwrap();
        trace.frames()[0].func_name().unwrap().to_string()
    }

    #[test]
    fn long_names_are_cut_and_the_module_still_runs() {
        let long = "f".repeat(100_000);
        let wat = format!(r#"(module $m (func ${long} (export "run") unreachable) (func $short))"#);
        let binary = wat::parse_str(&wat).unwrap();
        assert_eq!(trapping_function_name(&binary).len(), 100_000);
        let cut = capped(&binary, MAX_NAME);
        assert!(matches!(cut, Cow::Owned(_)));
        assert!(cut.len() < 8 << 10, "{} bytes", cut.len());
        let name = trapping_function_name(&cut);
        assert!(name.starts_with(&long[..MAX_NAME]), "{name}");
        assert!(name.ends_with("(95904 more bytes cut)"), "{name}");
        assert!(String::from_utf8_lossy(&cut).contains("short"));
    }

    #[test]
    fn ordinary_binaries_are_borrowed_unchanged() {
        let binary = wat::parse_str(r#"(module $m (func $f (export "run")))"#).unwrap();
        assert!(matches!(capped(&binary, MAX_NAME), Cow::Borrowed(b) if b == binary));
        assert!(matches!(capped(b"not wasm", MAX_NAME), Cow::Borrowed(_)));
    }

    #[test]
    fn names_inside_a_component_are_cut() {
        let long = "g".repeat(50_000);
        let wat = format!(
            r#"(component (core module $inner (func ${long})) (core instance (instantiate $inner)))"#
        );
        let binary = wat::parse_str(&wat).unwrap();
        assert!(binary.len() > 50_000);
        let cut = capped(&binary, MAX_NAME);
        assert!(cut.len() < 8 << 10, "{} bytes", cut.len());
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        let engine = wasmtime::Engine::new(&config).unwrap();
        wasmtime::component::Component::new(&engine, &*cut).expect("still a valid component");
    }

    #[test]
    fn an_unreadable_name_section_is_dropped() {
        let plain = wat::parse_str("(module)").unwrap();
        let mut binary = plain.clone();
        // A name section whose function-name subsection claims more names than it holds.
        let mut payload = Vec::new();
        write_string(&mut payload, b"name");
        payload.extend_from_slice(&[1, 2, 5, 0]);
        binary.push(CUSTOM_SECTION);
        write_leb(&mut binary, payload.len());
        binary.extend_from_slice(&payload);
        assert_eq!(&*capped(&binary, MAX_NAME), &plain[..]);
    }
}
