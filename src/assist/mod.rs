//! Editor support as pure logic (no UI crates): a lossless PromQL tokenizer for syntax
//! highlighting, context-aware completion candidates drawn from the language and from the
//! loaded dataset, and the completion list's keyboard behaviour. The browser editor renders what these functions return; tests drive them
//! natively.

pub mod catalog;
pub mod complete;
pub mod explain;
pub mod format;
pub mod lexer;
pub mod library;
pub mod lint;
pub mod popup;
pub mod spans;
pub mod units;

pub use catalog::Catalog;
pub use complete::{complete, Completion, Item, ItemKind};
pub use lexer::{tokenize, Token, TokenKind};
pub use popup::{Key, KeyOutcome, Popup, Typed};
