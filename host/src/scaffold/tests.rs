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
fn rust_carries_its_own_sdk_or_depends_on_the_one_given() {
    let project = render(&request(Lang::Rust)).unwrap();
    let file = |path: &str| {
        project
            .files
            .iter()
            .find(|(p, _)| p.as_path() == Path::new(path))
            .map(|(_, text)| text.as_str())
            .unwrap_or_else(|| panic!("no {path} in the project"))
    };
    let manifest: toml::Table = file("Cargo.toml").parse().unwrap();
    assert_eq!(
        manifest["dependencies"]["wasmbench-sdk"]["path"].as_str(),
        Some("wasmbench-sdk")
    );
    // The copies build on their own: no workspace inheritance, the parameter rule beside the SDK,
    // the contract where the SDK's bindings and build script look (`../wit`).
    for copy in ["wasmbench-sdk/Cargo.toml", "wasmbench-params/Cargo.toml"] {
        assert!(
            !file(copy).contains(".workspace"),
            "{copy} inherits from a workspace"
        );
    }
    let sdk: toml::Table = file("wasmbench-sdk/Cargo.toml").parse().unwrap();
    assert_eq!(
        sdk["dependencies"]["wasmbench-params"]["path"].as_str(),
        Some("../wasmbench-params")
    );
    assert_eq!(
        include_str!("../../../plugins/sdk/Cargo.toml")
            .matches(templates::PARAMS_PATH_IN_REPO)
            .count(),
        1,
        "the SDK's manifest must name the parameter rule's path exactly as the copy rewrites it"
    );
    assert!(file("wit/plugin.wit").contains(env!("WASMBENCH_CONTRACT")));
    for source in [
        "src/lib.rs",
        "src/lru.rs",
        "src/params.rs",
        "src/rng.rs",
        "build.rs",
    ] {
        file(&format!("wasmbench-sdk/{source}"));
    }

    let sdk_dir = tempfile::tempdir().unwrap();
    std::fs::write(sdk_dir.path().join("Cargo.toml"), "[package]").unwrap();
    let mut given = request(Lang::Rust);
    given.sdk = Some(sdk_dir.path().to_path_buf());
    let project = render(&given).unwrap();
    assert!(
        !project
            .files
            .iter()
            .any(|(p, _)| p.starts_with("wasmbench-sdk")),
        "with --sdk the project carries no copy"
    );
    let manifest: toml::Table = project.files[0].1.parse().unwrap();
    let path = manifest["dependencies"]["wasmbench-sdk"]["path"]
        .as_str()
        .unwrap();
    assert_eq!(Path::new(path), sdk_dir.path().canonicalize().unwrap());

    let mut missing = request(Lang::Rust);
    missing.sdk = Some("/nonexistent/sdk".into());
    let error = render(&missing).unwrap_err().to_string();
    assert!(error.contains("no Cargo.toml there"), "{error}");
}

#[test]
fn the_next_steps_install_what_the_build_needs() {
    let installs = |lang| render(&request(lang)).unwrap().setup.join("; ");
    assert!(installs(Lang::Rust).contains("rustup target add wasm32-wasip2"));
    assert!(installs(Lang::Js).contains("npm install"));
    assert!(installs(Lang::Python).contains("pip install componentize-py=="));
}

#[test]
fn projects_commit_their_baselines_and_gate_wall_time() {
    for lang in LANGS {
        let project = render(&request(lang)).unwrap();
        let text = |path: &str| {
            project
                .files
                .iter()
                .find(|(p, _)| p.as_path() == Path::new(path))
                .unwrap()
                .1
                .clone()
        };
        let ignore = text(".gitignore");
        assert!(
            ignore.contains("/reports/*") && ignore.contains("!/reports/baselines/"),
            "{lang:?}: {ignore}"
        );
        let suite: toml::Table = text("suite.toml").parse().unwrap();
        assert!(
            suite["defaults"].get("executions").is_none(),
            "{lang:?}: the suite sets executions, so wall time may not gate"
        );
    }
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
