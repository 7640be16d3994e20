use std::path::Path;

use super::CONTRACT;

/// `CONTRACT` is what the WIT file says, read here independently of the build script.
#[test]
fn contract_is_the_wit_package() {
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/wit/plugin.wit");
    let text = std::fs::read_to_string(&wit).unwrap();
    let expected = format!("package {CONTRACT};");
    assert!(
        text.lines().any(|line| line.trim() == expected),
        "{} has no line `{expected}`",
        wit.display()
    );
}

/// The host's bindgen world is the contract's: a plugin built by the SDK from the same WIT file
/// exports `workload` under `CONTRACT`'s version, and the generated bindings find every export.
#[test]
fn bindings_match_a_plugin_built_from_the_wit() {
    let (package, version) = CONTRACT.split_once('@').unwrap();
    let export = format!("{package}/workload@{version}");
    let engine = wasmtime::Engine::default();
    let plugin = Path::new(env!("WASMBENCH_BUILT_PLUGINS")).join("cpu.wasm");
    let component = wasmtime::component::Component::from_file(&engine, &plugin).unwrap();
    let exports: Vec<String> = component
        .component_type()
        .exports(&engine)
        .map(|(name, _)| name.to_string())
        .collect();
    assert!(exports.contains(&export), "{export} not in {exports:?}");
    let mut linker = wasmtime::component::Linker::<()>::new(&engine);
    linker.define_unknown_imports_as_traps(&component).unwrap();
    let pre = linker.instantiate_pre(&component).unwrap();
    super::bindings::PluginPre::new(pre).expect("the bindings fit the plugin");
}
