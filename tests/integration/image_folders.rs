//! Folders of pictures as datasets: classes from subfolders, planar colour, skipped broken files, the cache,
//! hostile entries (links out, FIFOs, random bytes); the command line on them is in `image_folders_cli.rs`.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgb, RgbImage, Rgba, RgbaImage};
use vae_explorer::data::image_folder::{CacheLocation, NO_CLASSES_NAME, load_image_folder};
use vae_explorer::data::{
    DataError, DataSource, Dataset, Fit, LoadPhase, Preprocessing, PreprocessingChoice, preprocess_image_file,
};

/// Broken files [`write_shape_folder`] adds.
pub const BROKEN_FILES: usize = 4;
/// Usable pictures [`write_shape_folder`] writes: red 9, green 8, blue 6.
pub const USABLE_FILES: usize = 23;

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), format).expect("encode");
    bytes
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, bytes).expect("write");
}

/// A 16 × 16 white picture with a red square over pixels 4..12 (both axes); `variant` tints the white.
fn red_square(variant: u8) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(16, 16, |x, y| {
        if (4..12).contains(&x) && (4..12).contains(&y) { Rgb([255, 0, 0]) } else { Rgb([255, 255, 255 - variant]) }
    }))
}

/// A green disc on transparency, `side` pixels.
fn green_disc(side: u32, radius: f32) -> DynamicImage {
    let centre = side as f32 / 2.0;
    DynamicImage::ImageRgba8(RgbaImage::from_fn(side, side, |x, y| {
        let distance = ((x as f32 + 0.5 - centre).powi(2) + (y as f32 + 0.5 - centre).powi(2)).sqrt();
        if distance < radius { Rgba([0, 200, 0, 255]) } else { Rgba([0, 0, 0, 0]) }
    }))
}

/// A blue triangle on white.
fn blue_triangle(side: u32, shift: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(side, side, |x, y| {
        if x + shift <= y { Rgb([0, 0, 220]) } else { Rgb([255, 255, 255]) }
    }))
}

/// A valid 1 × 1 PNG whose header is rewritten to announce `side × side` pixels.
fn huge_png_header(side: u32) -> Vec<u8> {
    let mut png = encode(&DynamicImage::ImageRgb8(RgbImage::new(1, 1)), ImageFormat::Png);
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png
}

/// Writes three classes of coloured shapes in nested folders with mixed formats and extension case, plus
/// [`BROKEN_FILES`] broken files and a text file that is ignored.
pub fn write_shape_folder(dir: &Path) {
    for variant in 0..8u8 {
        write(&dir.join(format!("red-squares/r{variant}.png")), &encode(&red_square(variant), ImageFormat::Png));
    }
    write(&dir.join("red-squares/sub/R8.PNG"), &encode(&red_square(9), ImageFormat::Png));
    for variant in 0..6u32 {
        let disc = green_disc(20, 4.0 + variant as f32);
        write(&dir.join(format!("green-circles/g{variant}.png")), &encode(&disc, ImageFormat::Png));
    }
    let photo = DynamicImage::ImageRgb8(green_disc(24, 9.0).to_rgb8());
    write(&dir.join("green-circles/nested/deep/photo.JPG"), &encode(&photo, ImageFormat::Jpeg));
    let grey = DynamicImage::ImageLuma8(GrayImage::from_fn(20, 20, |x, _| Luma([(x * 12) as u8])));
    write(&dir.join("green-circles/grey.png"), &encode(&grey, ImageFormat::Png));
    for shift in 0..4u32 {
        write(&dir.join(format!("blue-triangles/b{shift}.bmp")), &encode(&blue_triangle(18, shift), ImageFormat::Bmp));
    }
    write(&dir.join("blue-triangles/anim.Gif"), &encode(&blue_triangle(18, 5), ImageFormat::Gif));
    let webp = DynamicImage::ImageRgba8(blue_triangle(18, 6).to_rgba8());
    write(&dir.join("blue-triangles/b.webp"), &encode(&webp, ImageFormat::WebP));
    // Broken: empty, truncated, text named .png, a header announcing 100000 × 100000 pixels.
    write(&dir.join("blue-triangles/empty.png"), b"");
    let whole = encode(&blue_triangle(18, 1), ImageFormat::Png);
    write(&dir.join("blue-triangles/truncated.png"), &whole[..whole.len() / 2]);
    write(&dir.join("red-squares/text.png"), b"just some text, not a picture\n");
    write(&dir.join("green-circles/huge.png"), &huge_png_header(100_000));
    write(&dir.join("red-squares/notes.txt"), b"ignored: not a picture name");
}

fn choice(size: usize) -> PreprocessingChoice {
    PreprocessingChoice { image_size_px: Some(size), ..Default::default() }
}

fn load(dir: &Path, choice: &PreprocessingChoice, cache: &CacheLocation) -> Result<Dataset, DataError> {
    load_image_folder(dir, choice, cache, &|_| {})
}

/// Loads and records the phases the load went through.
fn load_noting_phases(dir: &Path, cache: &Path) -> (Dataset, Vec<LoadPhase>) {
    let phases = Mutex::new(Vec::new());
    let dataset = load_image_folder(dir, &choice(16), &CacheLocation::At(cache.to_path_buf()), &|progress| {
        let mut phases = phases.lock().expect("lock");
        if phases.last() != Some(&progress.phase) {
            phases.push(progress.phase);
        }
    })
    .expect("load");
    (dataset, phases.into_inner().expect("lock"))
}

/// Every entry under `dir` with its size and modification time.
fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut entries = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir").flatten() {
            let metadata = entry.path().symlink_metadata().expect("metadata");
            if metadata.is_dir() {
                folders.push(entry.path());
            }
            entries.insert(entry.path(), (metadata.len(), metadata.modified().expect("mtime")));
        }
    }
    entries
}

#[test]
fn a_folder_of_coloured_shapes_loads_with_its_classes_and_skips_the_broken_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_shape_folder(dir.path());
    let dataset = load(dir.path(), &choice(16), &CacheLocation::Off).expect("load");
    assert_eq!(dataset.class_names, ["blue-triangles", "green-circles", "red-squares"]);
    assert!(dataset.has_classes);
    assert_eq!(dataset.train.len() + dataset.heldout.len(), USABLE_FILES);
    assert_eq!(dataset.skipped.count, BROKEN_FILES, "{:?}", dataset.skipped);
    let reasons: BTreeMap<String, String> =
        dataset.skipped.first.iter().map(|(path, reason)| (path.display().to_string(), reason.clone())).collect();
    assert_eq!(reasons["blue-triangles/empty.png"], "empty");
    assert_eq!(reasons["red-squares/text.png"], "not an image");
    assert!(reasons["green-circles/huge.png"].contains("too large"), "{reasons:?}");
    assert!(reasons.contains_key("blue-triangles/truncated.png"));
    assert_eq!(dataset.preprocessing.map(|p| p.shape().to_string()).as_deref(), Some("16×16 RGB"));

    // Planar RGB: every red square has a red centre and a near-white corner, plane by plane.
    let red = 2u8;
    let plane = 16 * 16;
    let mut red_seen = 0;
    for set in [&dataset.train, &dataset.heldout] {
        assert_eq!((set.channels, set.height, set.width), (3, 16, 16));
        for index in (0..set.len()).filter(|&index| set.labels[index] == red) {
            let image = set.image(index);
            let centre = 8 * 16 + 8;
            assert_eq!([image[centre], image[plane + centre], image[2 * plane + centre]], [255, 0, 0]);
            assert_eq!([image[0], image[plane]], [255, 255], "white corner in the red and green planes");
            red_seen += 1;
        }
    }
    assert_eq!(red_seen, 9);

    // Stratified: one of each class held out (10 % of 9, 8 and 6, rounded).
    let mut heldout = dataset.heldout.labels.clone();
    heldout.sort_unstable();
    assert_eq!(heldout, [0, 1, 2]);
}

#[test]
fn defaults_follow_the_pictures_and_a_flat_folder_has_no_classes() {
    let mixed = tempfile::tempdir().expect("temp dir");
    write_shape_folder(mixed.path());
    let dataset = load(mixed.path(), &PreprocessingChoice::default(), &CacheLocation::Off).expect("load");
    assert_eq!(dataset.preprocessing.map(|p| p.shape().to_string()).as_deref(), Some("64×64 RGB"));

    let flat = tempfile::tempdir().expect("temp dir");
    for level in 0..5u8 {
        let grey = DynamicImage::ImageLuma8(GrayImage::from_pixel(12, 12, Luma([level * 40])));
        write(&flat.path().join(format!("{level}.png")), &encode(&grey, ImageFormat::Png));
    }
    let dataset = load(flat.path(), &PreprocessingChoice::default(), &CacheLocation::Off).expect("load");
    assert_eq!(dataset.train.shape().to_string(), "12×12 grey");
    assert!(!dataset.has_classes);
    assert_eq!(dataset.class_names, [NO_CLASSES_NAME]);
    assert_eq!(dataset.train.len() + dataset.heldout.len(), 5);
    assert!(!dataset.heldout.is_empty());
}

#[test]
fn a_second_load_reads_the_cache_and_a_damaged_cache_is_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_shape_folder(dir.path());
    let cache = tempfile::tempdir().expect("cache dir");
    let before = listing(dir.path());

    let (first, phases) = load_noting_phases(dir.path(), cache.path());
    assert!(phases.contains(&LoadPhase::Decoding) && !phases.contains(&LoadPhase::ReadingCache), "{phases:?}");
    let (second, phases) = load_noting_phases(dir.path(), cache.path());
    assert!(!phases.contains(&LoadPhase::Decoding), "{phases:?}");
    let same = |a: &Dataset, b: &Dataset| {
        assert_eq!(a.train.pixels, b.train.pixels);
        assert_eq!(a.heldout.pixels, b.heldout.pixels);
        assert_eq!((&a.train.labels, &a.class_names, &a.skipped), (&b.train.labels, &b.class_names, &b.skipped));
        assert_eq!(a.preprocessing, b.preprocessing);
    };
    same(&first, &second);

    let files: Vec<PathBuf> = std::fs::read_dir(cache.path())
        .expect("cache")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| !path.ends_with(vae_explorer::folder_lock::LOCK_FILE))
        .collect();
    assert_eq!(files.len(), 1, "one cache file (beside the lock file), no temporary left: {files:?}");
    let whole = std::fs::read(&files[0]).expect("read the cache");
    let flipped = {
        let mut bytes = whole.clone();
        let middle = bytes.len() - 100;
        bytes[middle] ^= 0x55;
        bytes
    };
    // The header's length sits before the CRC at the end: `… | header | header length | CRC`.
    let mut long_header = whole.clone();
    let trailer = whole.len() - 12;
    long_header[trailer..trailer + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    for damaged in [flipped, whole[..whole.len() / 2].to_vec(), b"garbage".to_vec(), Vec::new(), long_header] {
        std::fs::write(&files[0], &damaged).expect("damage the cache");
        let (again, phases) = load_noting_phases(dir.path(), cache.path());
        assert!(phases.contains(&LoadPhase::Decoding), "a damaged cache is not used: {phases:?}");
        same(&first, &again);
        assert_eq!(std::fs::read(&files[0]).expect("rewritten"), whole, "the cache is rebuilt");
    }

    // A changed picture makes the cache stale.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(&dir.path().join("red-squares/r0.png"), &encode(&red_square(77), ImageFormat::Png));
    let (_, phases) = load_noting_phases(dir.path(), cache.path());
    assert!(phases.contains(&LoadPhase::Decoding), "{phases:?}");

    let mut after = listing(dir.path());
    after.remove(&dir.path().join("red-squares/r0.png"));
    let mut before = before;
    before.remove(&dir.path().join("red-squares/r0.png"));
    assert_eq!(before, after, "nothing in the data folder was written");
}

#[test]
fn loading_writes_nothing_into_the_data_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_shape_folder(dir.path());
    let before = listing(dir.path());
    // The cache pointed into the data folder is refused too.
    let inside = CacheLocation::At(dir.path().join("cache"));
    load(dir.path(), &choice(16), &inside).expect("load");
    load(dir.path(), &choice(16), &inside).expect("load again");
    assert_eq!(before, listing(dir.path()));
}

#[cfg(unix)]
#[test]
fn links_leading_out_and_fifos_are_not_read() {
    let outside = tempfile::tempdir().expect("temp dir");
    write(&outside.path().join("secret.png"), &encode(&red_square(0), ImageFormat::Png));
    let dir = tempfile::tempdir().expect("temp dir");
    for index in 0..3u8 {
        write(&dir.path().join(format!("a/{index}.png")), &encode(&red_square(index), ImageFormat::Png));
    }
    std::os::unix::fs::symlink(outside.path().join("secret.png"), dir.path().join("a/out.png")).expect("link");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked-folder")).expect("folder link");
    std::os::unix::fs::symlink(dir.path().join("a/0.png"), dir.path().join("a/inside.png")).expect("link in");
    let status = Command::new("mkfifo").arg(dir.path().join("a/pipe.png")).status().expect("mkfifo");
    assert!(status.success());
    let dataset = load(dir.path(), &choice(16), &CacheLocation::Off).expect("load");
    assert_eq!(dataset.train.len() + dataset.heldout.len(), 4, "three pictures and the link inside");
    let reasons: BTreeMap<String, String> =
        dataset.skipped.first.iter().map(|(path, reason)| (path.display().to_string(), reason.clone())).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons["a/out.png"].contains("leading out"), "{reasons:?}");
    assert!(reasons["a/pipe.png"].contains("FIFO"), "{reasons:?}");
}

#[test]
fn fewer_than_two_usable_pictures_is_an_error_that_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("only.png"), &encode(&red_square(0), ImageFormat::Png));
    write(&dir.path().join("broken.png"), b"no");
    let error = load(dir.path(), &choice(16), &CacheLocation::Off).expect_err("one picture");
    let message = error.to_string();
    assert!(message.contains("1 usable") && message.contains("at least two"), "{message}");
    assert!(message.contains("broken.png"), "{message}");

    let empty = tempfile::tempdir().expect("temp dir");
    let error = load(empty.path(), &choice(16), &CacheLocation::Off).expect_err("no picture");
    assert!(matches!(error, DataError::NoImages { .. }), "{error}");
    assert!(error.to_string().contains("train-images-idx3-ubyte"), "{error}");
}

#[test]
fn random_and_mangled_bytes_named_as_pictures_never_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("good0.png"), &encode(&red_square(0), ImageFormat::Png));
    write(&dir.path().join("good1.png"), &encode(&red_square(1), ImageFormat::Png));
    let originals = [
        ("png", encode(&green_disc(20, 6.0), ImageFormat::Png)),
        ("jpg", encode(&blue_triangle(20, 2), ImageFormat::Jpeg)),
        ("gif", encode(&blue_triangle(20, 2), ImageFormat::Gif)),
        ("bmp", encode(&blue_triangle(20, 2), ImageFormat::Bmp)),
        ("webp", encode(&green_disc(20, 6.0), ImageFormat::WebP)),
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut written = 0;
    for round in 0..12 {
        for (extension, original) in &originals {
            let mut bytes = original.clone();
            for _ in 0..(1 + round) {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            bytes.truncate(bytes.len() - (next() as usize) % (bytes.len() / 2));
            write(&dir.path().join(format!("m{round}.{extension}")), &bytes);
            let noise: Vec<u8> = (0..(next() % 600)).map(|_| next() as u8).collect();
            write(&dir.path().join(format!("r{round}.{extension}")), &noise);
            written += 2;
        }
    }
    let dataset = load(dir.path(), &choice(16), &CacheLocation::Off).expect("the good pictures load");
    assert_eq!(dataset.train.len() + dataset.heldout.len() + dataset.skipped.count, written + 2);
    assert!(dataset.skipped.count >= written / 2, "every pure-noise file is skipped");
}

#[test]
fn bad_sizes_and_channels_are_clear_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = load(dir.path(), &choice(3), &CacheLocation::Off).expect_err("size 3");
    assert!(error.to_string().contains("4 to 256"), "{error}");
    let error = load(dir.path(), &choice(100_000), &CacheLocation::Off).expect_err("huge size");
    assert!(error.to_string().contains("4 to 256"), "{error}");
    let bad_channels = PreprocessingChoice { channels: Some(2), ..choice(16) };
    assert!(load(dir.path(), &bad_channels, &CacheLocation::Off).is_err());
}

#[test]
fn one_picture_imports_with_a_models_preprocessing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wide = DynamicImage::ImageRgb8(RgbImage::from_pixel(20, 10, Rgb([255, 0, 0])));
    let path = dir.path().join("wide.jpeg");
    write(&path, &encode(&wide, ImageFormat::Png));
    let padded = Preprocessing { image_size_px: 8, channels: 3, fit: Fit::Pad, background: [0, 0, 255] };
    let values = preprocess_image_file(&path, &padded).expect("import");
    assert_eq!(values.len(), 3 * 64);
    let at = |channel: usize, y: usize, x: usize| values[channel * 64 + y * 8 + x];
    assert_eq!([at(0, 0, 0), at(1, 0, 0), at(2, 0, 0)], [0, 0, 255], "blue padding above");
    assert_eq!([at(0, 4, 4), at(1, 4, 4), at(2, 4, 4)], [255, 0, 0], "red picture in the middle");
    let grey = Preprocessing { channels: 1, fit: Fit::CentreCrop, ..padded };
    assert_eq!(preprocess_image_file(&path, &grey).expect("grey").len(), 64);
    let error = preprocess_image_file(dir.path(), &grey).expect_err("a folder");
    assert!(error.to_string().contains("not a regular file"), "{error}");
}

#[test]
fn folders_are_detected_as_idx_or_pictures() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(DataSource::detect_folder(dir.path()), DataSource::ImageFolder { .. }));
    crate::support::write_images(&dir.path().join("train-images-idx3-ubyte"), 4, 8, false);
    assert_eq!(DataSource::detect_folder(dir.path()), DataSource::Folder(dir.path().to_path_buf()));
    let arg = dir.path().to_str().expect("utf-8");
    assert_eq!(DataSource::from_arg(arg), DataSource::Folder(dir.path().to_path_buf()));
    assert_eq!(DataSource::from_arg("bundled"), DataSource::Bundled);
}
