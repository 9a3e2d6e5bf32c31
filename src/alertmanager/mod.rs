//! Alertmanager 0.25, simulated: its configuration (read and checked as `config.Load` and
//! `amtool check-config` do), routing (`amtool config routes [test]`), inhibition, time
//! intervals, and the dispatch and notification pipeline over simulated time, so a timeline
//! of alerts becomes the notifications Alertmanager would send. Pure: no clock, no I/O, no UI.
//!
//! - [`config`] loads `alertmanager.yml` (plain or in a ConfigMap) through [`yaml_v2`]
//!   (gopkg.in/yaml.v2's strict decoding) with [`config_route`], [`receivers`] and
//!   [`time_interval`]; [`check`] is `amtool check-config`;
//! - [`matcher`] is Alertmanager's matcher syntax, [`route`] the routing tree and `Route.Match`,
//!   [`tree`] amtool's tree output, [`go_labels`] Go's label-set order and string form.

pub mod alert;
pub mod check;
pub mod config;
pub mod config_route;
pub mod flush;
pub mod go_labels;
pub mod inhibit;
pub mod input;
pub mod matcher;
pub mod nflog;
pub mod outcome;
pub mod receivers;
pub mod route;
pub mod simulate;
pub mod template;
pub mod time_interval;
pub mod timeline;
pub mod tree;
pub mod yaml_v2;

pub use config::{load, load_with_placeholders, Config};
pub use route::RouteTree;
