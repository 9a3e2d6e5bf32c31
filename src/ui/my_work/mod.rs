//! "My work": the learner's deliverables assembled from what the labs keep in local storage,
//! previewed file by file and downloaded as one .zip, and a submission .zip opened to be
//! re-graded beside the reference answers. Nothing leaves the browser unless downloaded.

pub mod gather;

wasm_only! {
    mod page;
    mod review;
    pub use page::MyWorkPage;
    pub(crate) use page::download;
}

/// The page's path.
pub const MY_WORK_PATH: &str = "/my-work";
