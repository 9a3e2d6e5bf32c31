//! A small command-line flag reader: `--name value`, `--name=value`, boolean `--name`,
//! positionals, and `--` to end flags (for queries starting with `-`).

use super::CliError;

/// Parsed arguments of one subcommand.
#[derive(Debug, Default)]
pub struct Args {
    flags: Vec<(String, String)>,
    pub positional: Vec<String>,
}

impl Args {
    /// Reads `args`; `valued` flags take a value (a name ending in `*` may be given more than
    /// once: read it with [`Args::all`]), `switches` do not; anything else starting with `--`
    /// is a usage error.
    pub fn parse(args: &[String], valued: &[&str], switches: &[&str]) -> Result<Args, CliError> {
        let mut out = Args::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a == "--" {
                out.positional.extend(it.by_ref().cloned());
                break;
            }
            let Some(flag) = a.strip_prefix("--") else {
                out.positional.push(a.clone());
                continue;
            };
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (flag, None),
            };
            if switches.contains(&name) && inline.is_none() {
                out.flags.push((name.to_string(), String::new()));
            } else if let Some(spec) = valued.iter().find(|v| v.trim_end_matches('*') == name) {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| CliError::usage(format!("--{name} needs a value")))?,
                };
                if !spec.ends_with('*') && out.get(name).is_some() {
                    return Err(CliError::usage(format!("--{name} given twice")));
                }
                out.flags.push((name.to_string(), value));
            } else {
                return Err(CliError::usage(format!("unknown flag --{name}")));
            }
        }
        Ok(out)
    }

    /// Every value given for a repeatable flag, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.flags.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The value of a valued flag.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The value of `--runs` (a positive count), or `default` when it is absent.
    pub fn runs(&self, default: usize) -> Result<usize, CliError> {
        match self.get("runs") {
            Some(n) => n
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| CliError::usage("--runs needs a positive number")),
            None => Ok(default),
        }
    }

    /// True when a switch was given.
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }

    /// The single positional argument `what`, or a usage error.
    pub fn one_positional(&self, what: &str) -> Result<&str, CliError> {
        match self.positional.as_slice() {
            [one] => Ok(one),
            [] => Err(CliError::usage(format!("missing {what}"))),
            _ => Err(CliError::usage(format!("expected one {what}, got {}", self.positional.len()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_flags_and_positionals() {
        let a = Args::parse(&strings(&["--time", "5", "up", "--data=x.test", "-v"]), &["time", "data"], &[])
            .unwrap();
        assert_eq!((a.get("time"), a.get("data")), (Some("5"), Some("x.test")));
        assert_eq!(a.positional, strings(&["up", "-v"]));
        let a = Args::parse(&strings(&["--", "--x"]), &[], &[]).unwrap();
        assert_eq!(a.one_positional("EXPR").unwrap(), "--x");
    }

    #[test]
    fn usage_errors() {
        assert!(Args::parse(&strings(&["--nope"]), &[], &[]).is_err());
        assert!(Args::parse(&strings(&["--time"]), &["time"], &[]).is_err());
        assert!(Args::parse(&strings(&["--time", "1", "--time", "2"]), &["time"], &[]).is_err());
        let a = Args::parse(&strings(&["--h", "1", "--h=2"]), &["h*"], &[]).unwrap();
        assert_eq!(a.all("h"), ["1", "2"]);
        assert!(Args::parse(&strings(&[]), &[], &[]).unwrap().one_positional("EXPR").is_err());
    }
}
