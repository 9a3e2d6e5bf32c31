//! Where the site lives: the path prefix it is served under (`/` locally, `/REPO/` on GitHub
//! Pages) and the app's own routes, so links and deep links work under any prefix.

pub use crate::link::EngineModule;

/// The playground route.
pub const PLAYGROUND: &str = "/play";
/// The exercise route; the exercise id follows.
pub const EXERCISE: &str = "/exercise";

/// The labs' pages, whose engine messages only the labs' engine module answers.
const LAB_ROUTES: [&str; 8] =
    ["/rules", "/alerts", "/alertmanager", "/relabel", "/cardinality", "/dashboard", "/library", "/my-work"];

/// True for the routes whose pages query the engine module: the playground, the exercises
/// and the labs (the start page does not).
pub fn engine_route(route: &str) -> bool {
    route == PLAYGROUND || route.starts_with("/exercise/") || labs_engine_route(route)
}

/// The build of the engine module a page at `route` starts (`route` is the path after the
/// base; src/ui/engine_link.rs). A page that turns out to need a larger one still works: its
/// first message moves the worker to that build, after a second download.
pub fn engine_module_for(route: &str) -> EngineModule {
    if labs_engine_route(route) {
        EngineModule::Labs
    } else if route.strip_prefix(EXERCISE).is_some_and(|rest| rest.starts_with('/')) {
        EngineModule::Exercises
    } else {
        EngineModule::Playground
    }
}

/// True for the labs' routes, which start the labs' engine module and whose pages the app
/// loads in the labs' group (src/ui/lazy_pages.rs).
pub fn labs_engine_route(route: &str) -> bool {
    LAB_ROUTES
        .iter()
        .any(|lab| route.strip_prefix(lab).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// The router base for a document base URI: its path without the trailing slash and without
/// a trailing file name (`http://h/repo/` → `/repo`, `http://h/` → ``).
pub fn base_from_uri(uri: &str) -> String {
    // Drop the scheme and host: everything before the first '/' after "//".
    let path = match uri.find("//") {
        Some(i) => uri[i + 2..].find('/').map_or("/", |j| &uri[i + 2 + j..]),
        None => uri,
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    // A base naming a file (`/repo/index.html`) means its directory.
    let dir = match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    };
    dir.to_string()
}

/// A link to the playground with `query` filled in (and run), relative to `base`, on
/// `dataset` (`None`: whichever dataset is in use when the link is followed).
pub fn playground_link(base: &str, query: &str, range: bool, dataset: Option<&str>) -> String {
    let mut url = format!("{base}{PLAYGROUND}?");
    if let Some(d) = dataset {
        url.push_str(&format!("dataset={}&", encode_component(d)));
    }
    url.push_str(&format!("q={}", encode_component(query)));
    if range {
        url.push_str("&mode=range");
    }
    url
}

/// Percent-encodes a URL query component (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        let cases = [
            ("http://127.0.0.1:8080/", ""),
            ("http://127.0.0.1:8080/repo/", "/repo"),
            ("https://user.github.io/promql-playground/", "/promql-playground"),
            ("https://user.github.io/a/b/index.html", "/a/b"),
            ("http://h/repo/?x=1#y", "/repo"),
            ("http://h", ""),
            ("", ""),
        ];
        for (uri, want) in cases {
            assert_eq!(base_from_uri(uri), want, "{uri}");
        }
    }

    #[test]
    fn routes_that_query_the_engine() {
        for route in ["/play", "/exercise/rate-basics", "/rules/exercise/x", "/my-work", "/dashboard"] {
            assert!(engine_route(route), "{route}");
        }
        for route in ["/", "", "/playground", "/exercises"] {
            assert!(!engine_route(route), "{route}");
        }
    }

    #[test]
    fn the_engine_module_each_route_starts() {
        assert_eq!(engine_module_for("/alerts"), EngineModule::Labs);
        assert_eq!(engine_module_for("/exercise/rate-basics"), EngineModule::Exercises);
        for route in ["/play", "/", "", "/packs"] {
            assert_eq!(engine_module_for(route), EngineModule::Playground, "{route}");
        }
    }

    #[test]
    fn routes_that_start_the_labs_engine() {
        for route in
            ["/rules", "/rules/exercise/x", "/alerts", "/alertmanager/exercise/y", "/my-work", "/library"]
        {
            assert!(labs_engine_route(route), "{route}");
        }
        for route in ["/", "", "/play", "/exercise/rate-basics", "/rulesx", "/alertsmanager", "/my-workshop"]
        {
            assert!(!labs_engine_route(route), "{route}");
        }
    }

    #[test]
    fn playground_links() {
        assert_eq!(playground_link("", "up", false, None), "/play?q=up");
        assert_eq!(
            playground_link("/repo", r#"rate(x{a="b"}[5m])"#, true, None),
            "/repo/play?q=rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29&mode=range"
        );
        assert_eq!(playground_link("", "up", false, Some("a b&c")), "/play?dataset=a%20b%26c&q=up");
    }
}
