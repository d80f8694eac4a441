//! `vae-explorer split`: the files it writes load back as exactly the app's split, and it never
//! replaces a file it did not write.

use std::process::Command;

use vae_explorer::data::DataSource;

fn vae_explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

#[test]
fn the_dumped_split_loads_back_as_the_same_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("split");
    let output = vae_explorer().args(["split", "--data", "bundled", "--out"]).arg(&out).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let bundled = DataSource::Bundled.load().expect("bundled digits");
    let dumped = DataSource::Folder(out.clone()).load().expect("the dump loads as a dataset");
    assert_eq!((dumped.train.len(), dumped.heldout.len()), (9001, 999));
    for (dumped, bundled) in [(&dumped.train, &bundled.train), (&dumped.heldout, &bundled.heldout)] {
        assert_eq!(dumped.shape(), bundled.shape());
        assert!(dumped.pixels == bundled.pixels, "the same pixels in the same order");
        assert_eq!(dumped.labels, bundled.labels);
    }

    // A second dump into the same folder is refused and leaves the files as they were.
    let before = std::fs::read(out.join("t10k-labels-idx1-ubyte")).expect("labels");
    let again = vae_explorer().args(["split", "--out"]).arg(&out).output().expect("run");
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already exists") && !stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(out.join("t10k-labels-idx1-ubyte")).expect("labels"), before);
}

#[test]
fn a_foreign_file_under_one_of_the_names_is_never_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let theirs = dir.path().join("t10k-images-idx3-ubyte");
    std::fs::write(&theirs, b"someone else's file").expect("write");
    let output = vae_explorer().args(["split", "--out"]).arg(dir.path()).output().expect("run");
    assert!(!output.status.success());
    assert_eq!(std::fs::read(&theirs).expect("still there"), b"someone else's file");
    assert!(!dir.path().join("train-images-idx3-ubyte").exists(), "nothing written beside it");
}
