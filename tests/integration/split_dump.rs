//! `vae-explorer split`: the files it writes load back as exactly the app's split, and it never
//! replaces a file it did not write.

use std::process::Command;

use vae_explorer::data::image_folder::{CacheLocation, load_image_folder};
use vae_explorer::data::{DataSource, PreprocessingChoice};

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

#[test]
fn a_colour_picture_folder_is_written_as_four_dimensional_idx_with_the_apps_split() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pictures = dir.path().join("pictures");
    for (class, colour) in [("red", [200u8, 30, 30]), ("blue", [20, 40, 220])] {
        std::fs::create_dir_all(pictures.join(class)).expect("class folder");
        for index in 0..12u8 {
            let picture = image::RgbImage::from_fn(8, 8, |x, y| {
                image::Rgb(colour.map(|value| value.wrapping_add(index.wrapping_mul(3)).wrapping_add((x + y) as u8)))
            });
            picture.save(pictures.join(class).join(format!("{index:02}.png"))).expect("png");
        }
    }
    let out = dir.path().join("split");
    let output = vae_explorer()
        .args(["split", "--channels", "3", "--image-size", "8", "--data"])
        .arg(&pictures)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let choice = PreprocessingChoice { image_size_px: Some(8), channels: Some(3), ..PreprocessingChoice::default() };
    let loaded = load_image_folder(&pictures, &choice, &CacheLocation::Off, &|_| {}).expect("the folder loads");
    let mut total = 0;
    for (set, name) in [(&loaded.train, "train-images-idx4-ubyte"), (&loaded.heldout, "t10k-images-idx4-ubyte")] {
        let bytes = std::fs::read(out.join(name)).expect("images file");
        let header: Vec<u32> =
            bytes[..20].chunks(4).map(|word| u32::from_be_bytes(word.try_into().expect("4 bytes"))).collect();
        assert_eq!(header, vec![0x0804, set.len() as u32, 3, 8, 8]);
        assert!(bytes[20..] == set.pixels[..], "the app's pixels, planar, in the app's order");
        total += set.len();
    }
    assert_eq!(total, 24);
    assert!(!out.join("train-images-idx3-ubyte").exists(), "no grey-named file for a colour set");
}
