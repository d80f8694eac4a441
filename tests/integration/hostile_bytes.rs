//! A seeded mutation loop: random and mutated bytes fed to the IDX reader, the image importer, the
//! checkpoint loader and the ONNX loader never panic, and every error they return renders as one non-empty line.

use std::fmt::Display;
use std::io::{Cursor, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use burn::prelude::*;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use vae_explorer::data::idx::{gunzip_if_compressed, parse_images, parse_labels};
use vae_explorer::data::{DataError, DataSource};

const SEED: u64 = 20_261_111;
const IDX_CASES: usize = 3000;
const FOLDER_CASES: usize = 300;
const IMAGE_CASES: usize = 1000;
const CHECKPOINT_CASES: usize = 600;
const WEIGHTS_CASES: usize = 400;
const ONNX_CASES: usize = 300;

/// Header words a hostile file likes to hold.
const HOSTILE_WORDS: [u32; 6] = [0, 1, 0xFFFF_FFFF, 0x8000_0000, 0x0000_0803, 0x0000_0801];

/// Cases run and what went wrong in them.
#[derive(Default)]
struct Tally {
    cases: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Runs one case: a panic or an error that is empty or spans lines is a failure.
    fn run<T, E: Display>(&mut self, label: &str, case: impl FnOnce() -> Result<T, E>) {
        self.cases += 1;
        match catch_unwind(AssertUnwindSafe(case)) {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                let message = error.to_string();
                if message.trim().is_empty() || message.contains('\n') {
                    self.failures.push(format!("{label}: error is not one line: {message:?}"));
                }
            }
            Err(panic) => {
                let text = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                    .unwrap_or_default();
                self.failures.push(format!("{label}: panicked: {text}"));
            }
        }
    }

    fn assert_clean(&self, what: &str) {
        println!("{what}: {} cases, {} failures", self.cases, self.failures.len());
        assert!(self.failures.is_empty(), "{what}: {} of {} cases failed:\n{}", self.failures.len(), self.cases, {
            self.failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
        });
    }
}

/// One random change: bit flips, truncation, inserted or deleted bytes, a header word set to a hostile value.
fn mutate(rng: &mut StdRng, bytes: &mut Vec<u8>) {
    match rng.random_range(0..6) {
        0 => {
            for _ in 0..rng.random_range(1..=8) {
                if !bytes.is_empty() {
                    let index = rng.random_range(0..bytes.len());
                    bytes[index] ^= 1 << rng.random_range(0..8);
                }
            }
        }
        1 => bytes.truncate(rng.random_range(0..=bytes.len())),
        2 => {
            let at = rng.random_range(0..=bytes.len());
            let count = rng.random_range(1..=16);
            let inserted: Vec<u8> = (0..count).map(|_| rng.random()).collect();
            let tail = bytes.split_off(at);
            bytes.extend(inserted);
            bytes.extend(tail);
        }
        3 if !bytes.is_empty() => {
            let start = rng.random_range(0..bytes.len());
            let end = (start + rng.random_range(1..=16)).min(bytes.len());
            bytes.drain(start..end);
        }
        4 => {
            let word = rng.random_range(0..4) * 4;
            let value = if rng.random_bool(0.8) {
                HOSTILE_WORDS[rng.random_range(0..HOSTILE_WORDS.len())]
            } else {
                rng.random()
            };
            if bytes.len() >= word + 4 {
                bytes[word..word + 4].copy_from_slice(&value.to_be_bytes());
            }
        }
        _ => {
            let len = rng.random_range(0..=bytes.len().max(1));
            *bytes = (0..len).map(|_| rng.random()).collect();
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

fn idx_images(count: u32, side: u32) -> Vec<u8> {
    let mut bytes: Vec<u8> = [0x803, count, side, side].iter().flat_map(|word: &u32| word.to_be_bytes()).collect();
    bytes.extend((0..count * side * side).map(|index| (index % 251) as u8));
    bytes
}

fn idx_labels(count: u32) -> Vec<u8> {
    let mut bytes: Vec<u8> = [0x801, count].iter().flat_map(|word: &u32| word.to_be_bytes()).collect();
    bytes.extend((0..count).map(|index| (index % 10) as u8));
    bytes
}

/// A valid file, mutated one to three times, and gzip-wrapped before or after mutation half of the time.
fn hostile_variant(rng: &mut StdRng, valid: &[u8]) -> Vec<u8> {
    let wrap_first = rng.random_bool(0.25);
    let mut bytes = if wrap_first { gzip(valid) } else { valid.to_vec() };
    for _ in 0..rng.random_range(1..=3) {
        mutate(rng, &mut bytes);
    }
    if !wrap_first && rng.random_bool(0.25) { gzip(&bytes) } else { bytes }
}

#[test]
fn the_idx_reader_survives_random_and_mutated_bytes() {
    let mut rng = StdRng::seed_from_u64(SEED);
    let (images, labels) = (idx_images(12, 6), idx_labels(12));
    let mut tally = Tally::default();
    let path = Path::new("fuzz-idx");
    for case in 0..IDX_CASES {
        let labels_case = case % 2 == 1;
        let bytes = hostile_variant(&mut rng, if labels_case { &labels } else { &images });
        tally.run(&format!("idx case {case}"), || -> Result<(), DataError> {
            let inflated = gunzip_if_compressed(bytes, path)?;
            if labels_case {
                parse_labels(&inflated, path).map(|_| ())
            } else {
                parse_images(&inflated, path).map(|_| ())
            }
        });
    }

    let dir = tempfile::tempdir().expect("temp dir");
    for case in 0..FOLDER_CASES {
        let images_bytes = if case % 2 == 0 { hostile_variant(&mut rng, &images) } else { images.clone() };
        let labels_bytes = if case % 2 == 1 { hostile_variant(&mut rng, &labels) } else { labels.clone() };
        let images_name = if rng.random_bool(0.5) { "train-images-idx3-ubyte" } else { "train-images-idx3-ubyte.gz" };
        for name in ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte"] {
            let _ = std::fs::remove_file(dir.path().join(name));
        }
        std::fs::write(dir.path().join(images_name), &images_bytes).expect("write");
        std::fs::write(dir.path().join("train-labels-idx1-ubyte"), &labels_bytes).expect("write");
        tally.run(&format!("folder case {case}"), || DataSource::Folder(dir.path().to_path_buf()).load());
    }
    tally.assert_clean("IDX reader");
}

fn valid_images() -> Vec<(ImageFormat, Vec<u8>)> {
    let page = RgbImage::from_fn(40, 32, |x, y| {
        let ink = (x as i32 - 20).pow(2) + (y as i32 - 16).pow(2) < 100;
        if ink { Rgb([10, 10, 10]) } else { Rgb([240, 240, 240]) }
    });
    [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Gif, ImageFormat::Bmp, ImageFormat::WebP]
        .into_iter()
        .map(|format| {
            let mut bytes = Cursor::new(Vec::new());
            DynamicImage::ImageRgb8(page.clone()).write_to(&mut bytes, format).expect("encode");
            (format, bytes.into_inner())
        })
        .collect()
}

#[test]
fn the_image_importer_survives_random_and_mutated_bytes() {
    let mut rng = StdRng::seed_from_u64(SEED + 1);
    let valid = valid_images();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tally = Tally::default();
    for case in 0..IMAGE_CASES {
        let (format, bytes) = &valid[case % valid.len()];
        let mut bytes = bytes.clone();
        for _ in 0..rng.random_range(1..=3) {
            mutate(&mut rng, &mut bytes);
        }
        let path = dir.path().join(format!("case-{case}.img"));
        std::fs::write(&path, &bytes).expect("write");
        tally.run(&format!("image case {case} ({format:?})"), || {
            vae_explorer::digit_import::import_image(&path, 28, 28)
        });
        std::fs::remove_file(&path).expect("remove");
    }
    tally.assert_clean("image importer");
}

const BUNDLED_DESCRIPTION: &[u8] = include_bytes!("../../assets/model/checkpoint.json");
const BUNDLED_WEIGHTS: &[u8] = include_bytes!("../../assets/model/weights.bpk");

/// Replaces the number after `"key":` in JSON text with `value`.
fn set_json_number(json: &[u8], key: &str, value: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(json);
    let needle = format!("\"{key}\": ");
    let Some(start) = text.find(&needle).map(|at| at + needle.len()) else { return json.to_vec() };
    let end = text[start..].find([',', '\n', '}']).map_or(text.len(), |len| start + len);
    format!("{}{value}{}", &text[..start], &text[end..]).into_bytes()
}

#[test]
fn the_checkpoint_loader_survives_random_and_mutated_bytes() {
    let mut rng = StdRng::seed_from_u64(SEED + 2);
    let device = Device::flex();
    let name = Path::new("<fuzzed checkpoint>");
    let mut tally = Tally::default();
    let keys = ["image_height", "image_width", "latent_dim", "epochs_done", "global_step", "batch_size", "epochs"];
    let values = ["0", "1", "4294967295", "2147483648", "18446744073709551615", "-1", "1e300", "null", "\"x\""];
    for case in 0..CHECKPOINT_CASES {
        let mut what = "mutated description".to_string();
        let (description, weights) = match case % 3 {
            0 => {
                let mut json = BUNDLED_DESCRIPTION.to_vec();
                for _ in 0..rng.random_range(1..=3) {
                    mutate(&mut rng, &mut json);
                }
                (json, BUNDLED_WEIGHTS.to_vec())
            }
            1 => {
                let key = keys[rng.random_range(0..keys.len())];
                let value = values[rng.random_range(0..values.len())];
                what = format!("\"{key}\": {value}");
                (set_json_number(BUNDLED_DESCRIPTION, key, value), BUNDLED_WEIGHTS.to_vec())
            }
            _ => {
                let mut weights = BUNDLED_WEIGHTS.to_vec();
                for _ in 0..rng.random_range(1..=3) {
                    mutate(&mut rng, &mut weights);
                }
                what = "mutated weights".to_string();
                (BUNDLED_DESCRIPTION.to_vec(), weights)
            }
        };
        tally.run(&format!("checkpoint case {case} ({what})"), || {
            vae_explorer::checkpoint::load_from_bytes(&description, &weights, name, &device)
        });
    }
    tally.assert_clean("checkpoint loader");
}

#[test]
fn the_weights_importer_survives_random_and_mutated_bytes() {
    use super::support::{TORCH_FIXTURE, torch_fixture_config};
    use vae_explorer::interop::{ImportOptions, import_weights, safetensors_bytes};

    let mut rng = StdRng::seed_from_u64(SEED + 3);
    let device = Device::flex();
    let config = torch_fixture_config();
    let torch = std::fs::read(TORCH_FIXTURE).expect("the PyTorch fixture");
    let safetensors = safetensors_bytes(&config.init(&device), &config).expect("exports");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tally = Tally::default();
    let mut guarded = 0;
    for case in 0..WEIGHTS_CASES {
        let (name, valid) = if case % 2 == 0 { ("case.pt", &torch) } else { ("case.safetensors", &safetensors) };
        let mut bytes = valid.clone();
        for _ in 0..rng.random_range(1..=3) {
            mutate(&mut rng, &mut bytes);
        }
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write the case");
        tally.run(&format!("weights case {case} ({name})"), || {
            let result = import_weights(&path, &config, &ImportOptions::default(), &device);
            if let Err(error) = &result
                && error.to_string().contains("the reader failed")
            {
                guarded += 1;
            }
            result
        });
    }
    println!("weights importer: {guarded} cases ended in the last-resort guard");
    tally.assert_clean("weights importer");
}

#[test]
fn the_onnx_loader_survives_mutated_graphs_and_sidecars() {
    let mut rng = StdRng::seed_from_u64(SEED + 3);
    let mut tally = Tally::default();
    let fixtures = ["mlp_flat", "conv_bn", "nhwc_sampled"];
    for case in 0..ONNX_CASES {
        let name = fixtures[case % fixtures.len()];
        let source = crate::onnx_models::fixture(name);
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(&source).expect("fixture") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
            files.push(entry.file_name().to_string_lossy().into_owned());
        }
        files.retain(|file| file.contains(".onnx"));
        files.sort();
        let target = files[rng.random_range(0..files.len())].clone();
        let path = dir.path().join(&target);
        let mut bytes = std::fs::read(&path).expect("read");
        for _ in 0..rng.random_range(1..=3) {
            mutate(&mut rng, &mut bytes);
        }
        std::fs::write(&path, &bytes).expect("write");
        tally.run(&format!("onnx case {case} ({name}/{target})"), || {
            let model = vae_explorer::onnx_model::OnnxVae::open(dir.path(), &Default::default())?;
            // What opened must also run, or fail in one line.
            let latents = vec![0.5; 3 * model.info.latent_dim];
            model.decode(&latents, 3)?;
            model.encode(&vec![0.5; 2 * model.info.image_shape.values()], 2).map(|_| ())
        });
    }
    tally.assert_clean("ONNX loader");
}
