//! `promplay am`: Alertmanager configurations from the command line, answering as amtool 0.25
//! does. `check` is `amtool check-config` (with the error's file:line:col added), `routes` is
//! `amtool config routes` and `routes test` prints exactly what `amtool config routes test`
//! prints, exit codes included. `simulate` prints the notifications Alertmanager would send for
//! a timeline of alerts, with and without inhibition.

use std::io::Write;
use std::path::Path;

use crate::alertmanager::check::check_config;
use crate::alertmanager::matcher::parse_labels;
use crate::alertmanager::tree::{matching_tree, routes_show};
use crate::alertmanager::{load, RouteTree};

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "am",
    summary: "check Alertmanager configs and test their routing, like amtool",
    usage: "Usage: promplay am check FILE...\n\
        \x20      promplay am routes [show] FILE\n\
        \x20      promplay am routes test FILE [--tree] [--verify.receivers=R1,R2] [LABEL=VALUE...]\n\n\
        FILE is an alertmanager.yml, or a Kubernetes ConfigMap holding one under `data:` (read from\n\
        its `alertmanager.yml` key). `--config.file FILE` may be given instead of FILE, as in amtool.\n\n\
        check        validates like `amtool check-config` (Alertmanager 0.25): the same verdict,\n\
        \x20            output and exit code; an error is followed by `  at FILE:LINE:COL`.\n\
        routes       prints the routing tree like `amtool config routes`.\n\
        routes test  prints the receivers the labels are routed to, comma-separated, exactly as\n\
        \x20            `amtool config routes test` does; --tree first prints the matching routes;\n\
        \x20            --verify.receivers exits 1 with a warning when the receivers differ.\n\n\
        Exit codes: 0 ok, 1 invalid config, bad labels or receivers not as expected, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let Some((sub, rest)) = argv.split_first() else {
        return Err(CliError::usage("missing subcommand (check or routes)"));
    };
    match sub.as_str() {
        "check" | "check-config" => run_check(rest, out),
        "simulate" => super::am_simulate::run(rest, out),
        "routes" => match rest.split_first() {
            Some((s, r)) if s == "test" => run_routes_test(r, out),
            Some((s, r)) if s == "show" => run_routes_show(r, out),
            _ => run_routes_show(rest, out),
        },
        other => Err(CliError::usage(format!("unknown subcommand {other:?} (check, routes or simulate)"))),
    }
}

pub(super) fn read(path: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))
}

fn run_check(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &[], &[])?;
    if args.positional.is_empty() {
        return Err(CliError::usage("missing FILE"));
    }
    let mut failed = 0;
    for path in &args.positional {
        let text = read(path)?;
        let dir = Path::new(path).parent().map(Path::to_path_buf).unwrap_or_default();
        let templates = |globs: &[String]| check_templates(&dir, globs);
        let result = check_config(path, &text, &templates, true);
        write!(out, "{}", result.stdout)?;
        if !result.passed {
            failed += 1;
        }
    }
    if failed > 0 {
        out.flush()?;
        eprint!("amtool: error: failed to validate {failed} file(s)\n\n");
        return Ok(1);
    }
    Ok(0)
}

/// amtool parses the template files the globs match; a glob matching nothing is fine. Only
/// plain paths are looked at here: a file that exists must be readable.
fn check_templates(dir: &Path, globs: &[String]) -> Result<(), String> {
    for glob in globs {
        if glob.contains(['*', '?', '[']) {
            continue;
        }
        let path = dir.join(glob);
        if path.exists() {
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The config file: `--config.file FILE` or the first positional.
fn config_path(args: &mut Args) -> Result<String, CliError> {
    if let Some(p) = args.get("config.file") {
        return Ok(p.to_string());
    }
    if args.positional.is_empty() {
        return Err(CliError::usage("missing FILE"));
    }
    Ok(args.positional.remove(0))
}

/// Loads the routing tree, failing the way amtool does (`amtool: error: <message>`).
fn tree_of(path: &str) -> Result<RouteTree, CliError> {
    let text = read(path)?;
    match load(&text).1 {
        Ok(config) => Ok(RouteTree::new(&config.route)),
        Err(e) => Err(CliError::failed(e.message())),
    }
}

fn run_routes_show(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut args = Args::parse(argv, &["config.file"], &[])?;
    let path = config_path(&mut args)?;
    let tree = tree_of(&path)?;
    write!(out, "{}", routes_show(&tree))?;
    Ok(0)
}

fn run_routes_test(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut args = Args::parse(argv, &["config.file", "verify.receivers"], &["tree"])?;
    let path = config_path(&mut args)?;
    let tree = tree_of(&path)?;
    let labels = parse_labels(&args.positional)
        .map_err(|e| CliError::failed(format!("Failed to parse labels: {e}")))?;
    if args.has("tree") {
        write!(out, "{}", matching_tree(&tree, &labels))?;
    }
    let receivers = tree.receivers(&labels).join(",");
    writeln!(out, "{receivers}")?;
    match args.get("verify.receivers") {
        Some(expected) if !expected.is_empty() && expected != receivers => {
            writeln!(out, "WARNING: Expected receivers did not match resolved receivers.")?;
            Ok(1)
        }
        _ => Ok(0),
    }
}
