//! "My work" in the engine module: assembles the deliverables and grades a submission (a
//! `.zip`, or a folder's files) with the pure `deliverables` module (the catalogue is loaded
//! per call: it is only parsed text).

use crate::deliverables::archive::{read_files, read_zip, write_zip};
use crate::deliverables::assemble::assemble;
use crate::deliverables::catalogue::{Catalogue, Grader};
use crate::deliverables::grade::{grade_bundle_with, GradeReport};
use crate::link::answer;
use crate::link::deliverables::{
    AssembleWork, AssembledWork, DeliverablesRequest, GradeFolder, GradeSubmission,
};

pub(super) fn handle(request: DeliverablesRequest) -> Vec<u8> {
    match request {
        DeliverablesRequest::Assemble(c) => answer::<AssembleWork>(assembled(&c)),
        DeliverablesRequest::Grade(c) => answer::<GradeSubmission>(graded(&c)),
        DeliverablesRequest::GradeFolder(c) => answer::<GradeFolder>(graded_folder(c)),
    }
}

fn assembled(c: &AssembleWork) -> Result<AssembledWork, String> {
    let catalogue = Catalogue::builtin()?;
    let files = assemble(&c.workspace, &mut Grader::new(&catalogue), &catalogue);
    let zip = write_zip(&files)?;
    Ok(AssembledWork { files, zip })
}

fn graded(c: &GradeSubmission) -> Result<GradeReport, String> {
    let catalogue = Catalogue::builtin()?;
    grade_bundle_with(&catalogue, &read_zip(&c.zip)?, true)
}

fn graded_folder(c: GradeFolder) -> Result<GradeReport, String> {
    let catalogue = Catalogue::builtin()?;
    grade_bundle_with(&catalogue, &read_files(c.files)?, true)
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::deliverables::grade::Status;
    use crate::deliverables::{Answer, AnswerKind, Workspace};

    #[test]
    fn assembles_a_zip_that_grades_the_same_on_the_way_back() {
        let answer = Answer {
            exercise: "todo-1-1-label-filters".into(),
            kind: AnswerKind::Query,
            pack: "builtin-exercises".into(),
            version: String::new(),
            text: "up".into(),
            claimed_solved: true,
        };
        let workspace = Workspace { answers: vec![answer], ..Workspace::default() };
        let mut host = Host::new();
        let work = roundtrip(&mut host, AssembleWork { workspace }).expect("link").expect("assembles");
        assert!(work.files.iter().any(|(n, _)| n == "PROMQL_QUERIES.md"));
        let report = roundtrip(&mut host, GradeSubmission { zip: work.zip }).expect("link").expect("grades");
        let item = report.items.iter().find(|i| i.id == "query/todo-1-1-label-filters").expect("item");
        assert_eq!(item.status, Status::Failed, "`up` is not the answer: the solved flag is not trusted");
        let bad = roundtrip(&mut host, GradeSubmission { zip: b"nope".to_vec() }).expect("link");
        assert!(bad.is_err());
        // The same files picked as a folder grade alike.
        let files =
            work.files.iter().map(|(n, t)| (format!("learner/{n}"), t.clone().into_bytes())).collect();
        let folder = roundtrip(&mut host, GradeFolder { files }).expect("link").expect("grades");
        assert_eq!(folder, report);
    }
}
