use super::*;

fn request(lang: Lang) -> Request {
    Request {
        name: "my-plugin".into(),
        lang,
        sdk: None,
    }
}

const LANGS: [Lang; 3] = [Lang::Rust, Lang::Js, Lang::Python];

#[test]
fn names_must_be_crate_and_package_names() {
    for good in ["a", "my-cache", "fetch2", "x-1-y"] {
        assert!(check_name(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "My",
        "1abc",
        "-a",
        "a-",
        "a_b",
        "a b",
        "a/b",
        "..",
        &"a".repeat(65),
    ] {
        let error = check_name(bad).unwrap_err().to_string();
        assert!(error.contains("lowercase letters"), "{bad}: {error}");
    }
}

#[test]
fn every_hole_is_filled() {
    for lang in LANGS {
        let project = render(&request(lang)).unwrap();
        let texts = project
            .files
            .iter()
            .map(|(path, text)| (path.display().to_string(), text.as_str()))
            .chain([("build".to_string(), project.build.as_str())]);
        for (path, text) in texts {
            for hole in [
                "{{name}}",
                "{{snake_name}}",
                "{{sdk_dependency}}",
                "{{contract}}",
                "{{contract_version}}",
                "{{workload}}",
            ] {
                assert!(!text.contains(hole), "{lang:?} {path} still has {hole}");
            }
            assert!(!path.contains("{{"), "{lang:?}: {path}");
        }
        assert!(
            project
                .files
                .iter()
                .any(|(p, _)| p.as_path() == Path::new("suite.toml")),
            "{lang:?} has no suite"
        );
        assert!(
            project
                .files
                .iter()
                .any(|(p, _)| p.as_path() == Path::new("README.md"))
        );
    }
}

#[test]
fn the_suite_names_the_artifact_the_build_writes() {
    for lang in LANGS {
        let project = render(&request(lang)).unwrap();
        let suite = &project
            .files
            .iter()
            .find(|(p, _)| p.as_path() == Path::new("suite.toml"))
            .unwrap()
            .1;
        let artifact = project.artifact.to_str().unwrap();
        assert!(
            suite.contains(&format!("wasm = \"{artifact}\"")),
            "{lang:?}: the suite doesn't name {artifact}:\n{suite}"
        );
        assert!(suite.contains(&format!("workload = \"{WORKLOAD}\"")));
    }
}

#[test]
fn rust_depends_on_this_checkouts_sdk_or_the_one_given() {
    let project = render(&request(Lang::Rust)).unwrap();
    let manifest = &project.files[0].1;
    let parsed: toml::Table = manifest.parse().unwrap();
    let sdk = parsed["dependencies"]["wasmbench-sdk"]["path"]
        .as_str()
        .unwrap();
    assert!(Path::new(sdk).join("Cargo.toml").is_file(), "{sdk}");

    let mut missing = request(Lang::Rust);
    missing.sdk = Some("/nonexistent/sdk".into());
    let error = render(&missing).unwrap_err().to_string();
    assert!(error.contains("pass --sdk PATH"), "{error}");
}

#[test]
fn writing_refuses_a_folder_that_has_files() {
    let dir = tempfile::tempdir().unwrap();
    let project = render(&request(Lang::Python)).unwrap();
    let target = dir.path().join("new");
    write(&project, &target).unwrap();
    for (path, text) in &project.files {
        assert_eq!(&std::fs::read_to_string(target.join(path)).unwrap(), text);
    }
    let error = write(&project, &target).unwrap_err().to_string();
    assert!(error.contains("is not empty"), "{error}");
}
