//! The wire between the app and the engine module: the requests the app sends, the replies
//! it gets back, and their encoding.
//!
//! The site ships as two WebAssembly modules. The app (Leptos components, charts, editor)
//! loads with the first page; the engine module (the query engine, the content readers,
//! rule evaluation) loads when a page first needs it, so the start page stays small. The
//! app never calls engine code directly: it sends a [`Request`] through `ui::engine_link`
//! and the engine module's [`crate::host::Host`] answers it. Messages are serde types
//! encoded with postcard (compact and fast: a range query's points cross as raw floats).
//!
//! Each area has its own file of messages; a message type implements [`Call`], which names
//! its reply type and wraps it in the one top-level [`Request`].

/// Implements [`Call`] for a message: `call!(OpenDataset => Reply, Data(DataRequest::Open));`
/// names its reply type and the request variant (area, then message) it travels in.
macro_rules! call {
    ($message:ty => $reply:ty, $area:ident($requests:ident :: $variant:ident)) => {
        impl $crate::link::Call for $message {
            type Reply = $reply;
            fn into_request(self) -> $crate::link::Request {
                $crate::link::Request::$area($requests::$variant(self))
            }
        }
    };
}

pub mod alertmanager;
pub mod alerts;
pub mod assist;
pub mod cardinality;
pub mod dashboard;
pub mod data;
pub mod deliverables;
pub mod exercises;
pub mod library;
pub mod packs;
pub mod query;
pub mod relabel;
pub mod remote;
pub mod replay;
pub mod rules;
pub mod text;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Changes whenever a message changes shape: the app refuses an engine module from another
/// build (a stale cached copy) instead of misreading its replies.
pub const WIRE_VERSION: u32 = 13;

/// Everything the app can ask the engine module, by area.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Which wire version the engine module speaks (answered with [`WIRE_VERSION`]).
    Hello(Hello),
    Data(data::DataRequest),
    Query(query::QueryRequest),
    Packs(packs::PacksRequest),
    Assist(assist::AssistRequest),
    Remote(remote::RemoteRequest),
    // The larger builds' areas, last and in build order: a smaller build reads none of their
    // messages (see `Request::module`), and skipping variants only shifts the indices of
    // those after them, so the indices above stay the same in every build.
    #[cfg_attr(not(feature = "lessons"), serde(skip_deserializing))]
    Exercises(exercises::ExerciseRequest),
    #[cfg_attr(not(feature = "lessons"), serde(skip_deserializing))]
    Text(text::TextRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Rules(rules::RulesRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Alerts(alerts::AlertsRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Relabel(relabel::RelabelRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Cardinality(cardinality::CardinalityRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Alertmanager(alertmanager::AlertmanagerRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Deliverables(deliverables::DeliverablesRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Dashboard(dashboard::DashboardRequest),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    Library(library::LibraryRequest),
}

impl Request {
    /// The smallest build of the engine module that answers this message: the app moves the
    /// learner's state to that build before it sends the first one (src/ui/engine_link.rs).
    pub fn module(&self) -> EngineModule {
        match self {
            Request::Hello(_)
            | Request::Data(_)
            | Request::Query(_)
            | Request::Packs(_)
            | Request::Assist(_) => EngineModule::Playground,
            Request::Remote(r) => match r {
                remote::RemoteRequest::PlanWindow(_) | remote::RemoteRequest::LoadWindow(_) => {
                    EngineModule::Labs
                }
                _ => EngineModule::Playground,
            },
            Request::Exercises(_) | Request::Text(_) => EngineModule::Exercises,
            Request::Rules(_)
            | Request::Alerts(_)
            | Request::Relabel(_)
            | Request::Cardinality(_)
            | Request::Alertmanager(_)
            | Request::Deliverables(_)
            | Request::Dashboard(_)
            | Request::Library(_) => EngineModule::Labs,
        }
    }
}

/// The builds of the engine module, smallest first; each answers everything the ones before
/// it do. A worker only ever moves to a larger build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EngineModule {
    /// The engine, datasets, packs and assistance (`promql-engine-play`, no feature).
    Playground,
    /// And the query exercises (`promql-engine`, the `lessons` feature).
    Exercises,
    /// And the labs (`promql-engine-labs`, the `labs` feature).
    Labs,
}

impl EngineModule {
    /// The build's file name without its extension (`promql-engine-play`), as Trunk names it.
    pub fn file_stem(self) -> &'static str {
        match self {
            EngineModule::Playground => "promql-engine-play",
            EngineModule::Exercises => "promql-engine",
            EngineModule::Labs => "promql-engine-labs",
        }
    }
}

/// A message the app sends: its reply type, and how it is wrapped for the wire.
pub trait Call: Sized {
    /// What the engine module answers.
    type Reply: Serialize + DeserializeOwned;
    /// Wraps the message in the top-level request.
    fn into_request(self) -> Request;
}

/// Asks for the engine module's wire version.
#[derive(Debug, Serialize, Deserialize)]
pub struct Hello;

impl Call for Hello {
    type Reply = u32;
    fn into_request(self) -> Request {
        Request::Hello(self)
    }
}

/// What crosses back for a call: its reply, or why the engine module could not read the
/// request (a link failure, never a domain error: those are part of the reply types).
pub type Answer<T> = Result<T, String>;

/// Encodes a message or reply.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing plain data to a Vec cannot fail (postcard fails only on sequences of
    // unknown length, which serde's derives never produce).
    postcard::to_allocvec(value).unwrap_or_default()
}

/// Decodes a message or reply.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes)
        .map_err(|e| format!("unreadable message between the app and the engine module: {e}"))
}

/// Encodes the answer to a call of type `C` (the host side of [`Call`]).
pub fn answer<C: Call>(reply: C::Reply) -> Vec<u8> {
    encode(&Answer::<C::Reply>::Ok(reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_survives_the_round_trip() {
        let bytes = answer::<Hello>(WIRE_VERSION);
        assert_eq!(decode::<Answer<u32>>(&bytes), Ok(Ok(WIRE_VERSION)));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode::<Request>(&[0xff, 0xff, 0xff]).is_err());
    }
}
