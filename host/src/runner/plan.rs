//! Planning: resolve every bench's plugin, check its workload and parameters against what the plugin
//! declares, fill in default parameters and give each bench a unique id.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::capability::Lending;
use crate::engine::EngineKind;
use crate::model::{HttpFixtureTimes, Limits, Lines, Status, visible};
use crate::plugin::bindings::WorkloadInfo;
use crate::plugin::{DEFAULT_ENTRY, PluginKind, PluginLocator};
use crate::results::ModelResult;
use crate::suite::{BenchDef, PluginSource, Suite};

use super::bench_plan::BenchPlan;
use super::harness::Runner;
use super::limits::Failure;
use super::plugins::Pre;
use super::session::Session;

/// A suite that names something the plugins don't offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// `file:line:column` of the bench.
    pub location: String,
    pub key: String,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: key `{}`: {}", self.location, self.key, self.message)
    }
}

impl std::error::Error for PlanError {}

/// A plugin's workloads, for `wasmbench list`.
pub struct PluginListing {
    pub name: String,
    pub path: PathBuf,
    pub workloads: Result<Vec<WorkloadInfo>, Failure>,
    /// What is wrong with the listing though it was read (a workload listed twice).
    pub warnings: Vec<String>,
}

/// Limits for calling `workloads()`: a bench's defaults, generous, but a hostile plugin can't
/// hang the planner.
const INSPECT_LIMITS: Limits = Limits::DEFAULT;

impl Runner {
    /// Plans every bench of `suite`, in suite order.
    pub async fn plan(
        &mut self,
        suite: &Suite,
        locator: &PluginLocator,
    ) -> Result<Vec<BenchPlan>, PlanError> {
        let mut listings: Listings = HashMap::new();
        let mut plans: Vec<BenchPlan> = Vec::with_capacity(suite.benches.len());
        let mut ids: HashMap<String, String> = HashMap::new();
        for (index, def) in suite.benches.iter().enumerate() {
            let bench = Planning { index, def };
            let path = resolve_source(&def.plugin, locator).ok_or_else(|| {
                bench.error(
                    bench.plugin_key(),
                    unknown_plugin_message(&def.plugin, locator),
                )
            })?;
            self.list(&bench, &path, &mut listings).await?;
            let listing = &listings[&path];
            let kind = self.plugin_kind(&path);
            let workload = bench.workload(kind, listing, &path)?;
            let plugin_name = def.plugin.display_name();
            let owner = match kind {
                Some(PluginKind::CoreModule) => format!("core module `{plugin_name}`"),
                _ => format!("plugin `{plugin_name}`"),
            };
            bench.check_instances(kind, &owner)?;
            let mut plan = BenchPlan {
                id: String::new(),
                plugin_name,
                wasm_path: path.clone(),
                def: def.clone(),
                workload,
                params: def.params.clone(),
                unit: "ops".into(),
                broken: None,
                output_check: self.output_check(&path),
                model: None,
            };
            bench.apply_listing(&mut plan, kind, listing, &owner)?;
            bench.check_unique(&mut ids, &plan.id)?;
            // The fixture's round trip is timed once it starts, after planning: a model that uses
            // it is checked here with a stand-in and computed again then (`predict_again`).
            let stand_in = suite.http.map(|_| HttpFixtureTimes::STAND_IN);
            plan.model = predicted(&plan, bench.key("model"), stand_in.as_ref())?;
            plans.push(plan);
        }
        Ok(plans)
    }

    /// Loads the plugin at `path` and lists its workloads, unless an earlier bench did.
    async fn list(
        &mut self,
        bench: &Planning<'_>,
        path: &Path,
        listings: &mut Listings,
    ) -> Result<(), PlanError> {
        if !listings.contains_key(path) {
            // A file that is not a plugin at all (not a regular file, too large, not wasm) is
            // refused like a missing one; a plugin that fails to compile or answer fails its
            // benches below.
            self.load(path)
                .map_err(|failure| bench.error(bench.plugin_key(), failure.message))?;
            let listing = self.inspect(path).await;
            listings.insert(path.to_path_buf(), listing);
        }
        Ok(())
    }

    /// Loads a plugin and asks it for its workloads (a core module: its exported functions of type
    /// `[] -> []`, read from the binary).
    pub(super) async fn inspect(&mut self, path: &Path) -> Result<Vec<WorkloadInfo>, Failure> {
        let (prepared, _) = self.prepare(path, EngineKind::Metered)?;
        let pre = match &prepared.pre {
            Pre::Component(pre) => pre,
            Pre::Command(pre) => return Ok(pre.workloads()),
        };
        let (mut session, _) = Session::open(
            pre,
            EngineKind::Metered,
            INSPECT_LIMITS,
            &Lending::default(),
        )
        .await?;
        let workloads = session.workloads().await?;
        let _ = session.close().await;
        Ok(workloads)
    }
}

/// Each plugin's workloads (or why it has none), by path.
type Listings = HashMap<PathBuf, Result<Vec<WorkloadInfo>, Failure>>;

/// A bench being planned: its place in the suite, which its errors name.
struct Planning<'a> {
    index: usize,
    def: &'a BenchDef,
}

impl Planning<'_> {
    /// The bench's key `name`, as an error names it.
    fn key(&self, name: &str) -> String {
        format!("bench[{}].{name}", self.index)
    }

    /// The key that names the bench's plugin.
    fn plugin_key(&self) -> &'static str {
        match self.def.plugin {
            PluginSource::Named(_) => "plugin",
            PluginSource::File(_) => "wasm",
        }
    }

    /// An error at the bench's key `name`.
    fn error(&self, name: &str, message: String) -> PlanError {
        PlanError {
            location: self.def.location.clone(),
            key: self.key(name),
            message,
        }
    }

    /// The workload the bench runs: the one it names, or a core module's `_start`.
    fn workload(
        &self,
        kind: Option<PluginKind>,
        listing: &Result<Vec<WorkloadInfo>, Failure>,
        path: &Path,
    ) -> Result<String, PlanError> {
        match (&self.def.workload, kind, listing) {
            (Some(workload), _, _) => Ok(workload.clone()),
            (None, Some(PluginKind::Component), Ok(workloads)) => {
                let known = workloads
                    .iter()
                    .map(|w| one_line(&w.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(PlanError {
                    location: self.def.location.clone(),
                    key: format!("bench[{}]", self.index),
                    message: format!(
                        "missing field `workload`: {} is a component, so the bench must name one \
                         of its workloads (known: {known}); only a core module defaults to \
                         `{DEFAULT_ENTRY}`",
                        path.display()
                    ),
                })
            }
            // A core module runs `_start`; a file that can't be read or compiled fails its bench
            // below, whatever it would have run.
            (None, _, _) => Ok(DEFAULT_ENTRY.to_string()),
        }
    }

    /// A core module can't run the parallel pass.
    fn check_instances(&self, kind: Option<PluginKind>, owner: &str) -> Result<(), PlanError> {
        let instances = self.def.settings.instances;
        if kind == Some(PluginKind::CoreModule) && instances > 1 {
            return Err(self.error(
                "instances",
                format!(
                    "{owner} can't run the parallel pass (instances = {instances}): each run needs \
                     a fresh instance, so its throughput would measure instantiation rather than \
                     the span between bench.start and bench.end; set `instances = 1`"
                ),
            ));
        }
        Ok(())
    }

    /// Fills in what the plugin's listing says of the bench: its id, parameters (defaults
    /// included) and unit; or, when the listing can't be used, why (the bench fails when run).
    fn apply_listing(
        &self,
        plan: &mut BenchPlan,
        kind: Option<PluginKind>,
        listing: &Result<Vec<WorkloadInfo>, Failure>,
        owner: &str,
    ) -> Result<(), PlanError> {
        let workload = &plan.workload;
        let broken = match listing {
            Err(failure) => failure.clone(),
            Ok(workloads) if listed(workloads, workload) > 1 => Failure::new(
                Status::Error,
                ambiguous_workload(owner, workload, listed(workloads, workload)),
            ),
            Ok(workloads) => {
                let info = workloads
                    .iter()
                    .find(|w| &w.name == workload)
                    .ok_or_else(|| {
                        let known = workloads.iter().map(|w| w.name.as_str());
                        let message = unknown_name_message("workload", workload, owner, known);
                        self.error("workload", message)
                    })?;
                let defaults = self.default_params(info, &plan.plugin_name, workload)?;
                plan.id =
                    (self.def.id.clone()).unwrap_or_else(|| default_id(plan, kind, &defaults));
                let mut params = defaults;
                params.extend(self.def.params.clone());
                plan.params = params;
                plan.unit = info.unit.clone();
                return Ok(());
            }
        };
        plan.broken = Some(broken);
        plan.id = (self.def.id.clone()).unwrap_or_else(|| default_id(plan, kind, &BTreeMap::new()));
        Ok(())
    }

    /// The workload's parameters and their defaults, every one the bench sets among them.
    fn default_params(
        &self,
        info: &WorkloadInfo,
        plugin_name: &str,
        workload: &str,
    ) -> Result<BTreeMap<String, String>, PlanError> {
        let defaults: BTreeMap<String, String> = info
            .default_params
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect();
        for name in self.def.params.keys() {
            if !defaults.contains_key(name) {
                return Err(self.error(
                    &format!("params.{name}"),
                    unknown_name_message(
                        "parameter",
                        name,
                        &format!("workload `{plugin_name}/{workload}`"),
                        defaults.keys().map(String::as_str),
                    ),
                ));
            }
        }
        Ok(defaults)
    }

    /// Notes the bench's id in `ids` (id → where first defined); an error when it is taken.
    fn check_unique(&self, ids: &mut HashMap<String, String>, id: &str) -> Result<(), PlanError> {
        match ids.insert(id.to_string(), self.def.location.clone()) {
            Some(first) => Err(self.error(
                "id",
                format!(
                    "duplicate bench id `{id}` (first defined at {first}); set `id = \"...\"` to tell them apart"
                ),
            )),
            None => Ok(()),
        }
    }
}

/// The id a bench gets unless the suite sets one: from what the file is, never from whether it
/// loaded, so a baseline comparison sees `failed`, not `missing` + `new`.
fn default_id(
    plan: &BenchPlan,
    kind: Option<PluginKind>,
    defaults: &BTreeMap<String, String>,
) -> String {
    let (path, workload) = (&plan.wasm_path, &plan.workload);
    match kind {
        // Named like the benches of a folder of modules.
        Some(PluginKind::CoreModule) if workload == DEFAULT_ENTRY => {
            crate::plugin::module_bench_id(path)
        }
        Some(PluginKind::CoreModule) => {
            format!("{}/{workload}", crate::plugin::module_bench_id(path))
        }
        _ => bench_id(&plan.plugin_name, workload, defaults, &plan.def.params),
    }
}

/// Where a plugin source points on disk, if anything is there.
pub fn resolve_source(source: &PluginSource, locator: &PluginLocator) -> Option<PathBuf> {
    match source {
        PluginSource::Named(name) => locator.find(name),
        // Whatever is there: reading it says why it is not a plugin, if it is not.
        PluginSource::File(path) => path.exists().then(|| path.clone()),
    }
}

/// Computes each model again with the HTTP fixture's measured round trip (`times`), once the
/// server has started: planning could only check them with a stand-in.
pub fn predict_again(
    suite: &Suite,
    plans: &mut [BenchPlan],
    times: &HttpFixtureTimes,
) -> Result<(), PlanError> {
    for plan in plans {
        let index = suite
            .benches
            .iter()
            .position(|d| d.location == plan.def.location);
        let key = format!("bench[{}].model", index.unwrap_or_default());
        plan.model = predicted(plan, key, Some(times))?;
    }
    Ok(())
}

/// What a bench's `model` predicts with its parameters (defaults included), which are only known
/// once the plugin said what they are, and the fixture's round trip when there is one: computed,
/// or refused, before anything runs.
fn predicted(
    plan: &BenchPlan,
    key: String,
    fixture: Option<&HttpFixtureTimes>,
) -> Result<Option<ModelResult>, PlanError> {
    let Some(model) = plan.def.model.as_ref().filter(|_| plan.broken.is_none()) else {
        return Ok(None);
    };
    let mut variables = plan.params.clone();
    for (name, value) in fixture.iter().flat_map(|times| times.model_variables()) {
        variables.insert(name.to_string(), value.to_string());
    }
    let expected_ns = model.expected_ns(&variables).map_err(|e| {
        let names: Vec<&str> = variables.keys().map(String::as_str).collect();
        let known = if names.is_empty() {
            "it has none".to_string()
        } else {
            format!("its parameters: {}", names.join(", "))
        };
        PlanError {
            location: plan.def.location.clone(),
            key,
            message: format!("{e} (bench `{}`; {known})", plan.id),
        }
    })?;
    Ok(Some(ModelResult {
        expression: model.text.clone(),
        expected_ns,
    }))
}

/// Lists a plugin's workloads (for `wasmbench list`).
pub async fn list_plugin(runner: &mut Runner, name: String, path: PathBuf) -> PluginListing {
    let workloads = runner.inspect(&path).await;
    let mut warnings = Vec::new();
    if let Ok(workloads) = &workloads {
        let mut seen = BTreeMap::new();
        for w in workloads {
            *seen.entry(w.name.as_str()).or_insert(0) += 1;
        }
        let owner = format!("plugin `{name}`");
        for (workload, count) in seen.into_iter().filter(|(_, count)| *count > 1) {
            warnings.push(format!(
                "{}; benches that use it fail",
                ambiguous_workload(&owner, workload, count)
            ));
        }
    }
    PluginListing {
        name,
        path,
        workloads,
        warnings,
    }
}

/// How many times a plugin lists `workload`.
fn listed(workloads: &[WorkloadInfo], workload: &str) -> usize {
    workloads.iter().filter(|w| w.name == workload).count()
}

/// A workload a plugin lists more than once: its benches can't tell which one they would run.
fn ambiguous_workload(owner: &str, workload: &str, count: usize) -> String {
    let workload = one_line(workload);
    format!("{owner} lists workload `{workload}` {count} times; which one runs is ambiguous")
}

/// A name a plugin or a suite chose, quoted in a message: on one line whatever it holds, so it
/// can't start a line that reads like another message.
fn one_line(name: &str) -> std::borrow::Cow<'_, str> {
    visible(name, Lines::Single)
}

/// `plugin/workload`, plus `[k=v,...]` for the parameters that differ from the defaults.
fn bench_id(
    plugin: &str,
    workload: &str,
    defaults: &BTreeMap<String, String>,
    given: &BTreeMap<String, String>,
) -> String {
    let changed: Vec<String> = given
        .iter()
        .filter(|(k, v)| defaults.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if changed.is_empty() {
        format!("{plugin}/{workload}")
    } else {
        format!("{plugin}/{workload}[{}]", changed.join(","))
    }
}

pub(super) fn unknown_name_message<'a>(
    what: &str,
    name: &str,
    owner: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> String {
    let listed: Vec<_> = known.clone().map(one_line).collect();
    let hint = crate::suite::suggest(name, known)
        .map(|s| format!("; did you mean `{}`?", one_line(s)))
        .unwrap_or_default();
    format!(
        "unknown {what} `{}` for {owner} (known: {}){hint}",
        one_line(name),
        listed.join(", ")
    )
}

/// Why `source` found nothing, and what to do about it.
pub fn unknown_plugin_message(source: &PluginSource, locator: &PluginLocator) -> String {
    match source {
        PluginSource::File(path) => match crate::plugin::build_hint(path) {
            Some(hint) => format!("no such wasm file: {}; {hint}", path.display()),
            None => format!("no such wasm file: {}", path.display()),
        },
        PluginSource::Named(name) => {
            if let Some(problem) = locator.bundle_problem(name) {
                return problem;
            }
            if let Some(hint) = crate::plugin::example_hint(name) {
                return format!("unknown plugin `{name}`: {hint}");
            }
            let available = locator.available();
            let names = available.iter().map(|(n, _)| n.as_str());
            let hint = crate::suite::suggest(name, names.clone())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            format!(
                "unknown plugin `{name}` (available: {}; searched {}){hint} — a named plugin is \
                 `{name}.wasm` (or with `_` for `-`) in one of those folders: add folders with \
                 WASMBENCH_PLUGIN_PATH (`:`-separated, searched first), or give the bench a file \
                 with `wasm = \"path/to/plugin.wasm\"` instead of `plugin`",
                names.collect::<Vec<_>>().join(", "),
                locator.searched()
            )
        }
    }
}
