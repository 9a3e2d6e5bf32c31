//! "My work" messages: the learner's deliverables assembled (each file's text and the .zip)
//! from what the site holds, and a submission .zip graded again, in the engine module where
//! the graders and the zip code live.

use serde::{Deserialize, Serialize};

use crate::deliverables::grade::GradeReport;
use crate::deliverables::Workspace;

/// "My work" requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum DeliverablesRequest {
    Assemble(AssembleWork),
    Grade(GradeSubmission),
    GradeFolder(GradeFolder),
}

/// Assembles the seed's files from the learner's work.
#[derive(Debug, Serialize, Deserialize)]
pub struct AssembleWork {
    pub workspace: Workspace,
}

/// The assembled files, and the same files as one .zip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssembledWork {
    pub files: Vec<(String, String)>,
    pub zip: Vec<u8>,
}

call!(AssembleWork => Result<AssembledWork, String>, Deliverables(DeliverablesRequest::Assemble));

/// Grades a submission .zip (the bytes of the file the reviewer opened).
#[derive(Debug, Serialize, Deserialize)]
pub struct GradeSubmission {
    pub zip: Vec<u8>,
}

call!(GradeSubmission => Result<GradeReport, String>, Deliverables(DeliverablesRequest::Grade));

/// Grades a submission folder the reviewer picked: each file's path below the folder and
/// its bytes (read by the app as bytes only; the caps and names are checked here).
#[derive(Debug, Serialize, Deserialize)]
pub struct GradeFolder {
    pub files: Vec<(String, Vec<u8>)>,
}

call!(GradeFolder => Result<GradeReport, String>, Deliverables(DeliverablesRequest::GradeFolder));
