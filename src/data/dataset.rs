//! Datasets the app can train on: the bundled MNIST subset, IDX folders and folders of pictures on disk.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::idx::{find_file, gunzip_if_compressed, parse_images, parse_labels, read_images_limited, read_labels};
use super::image_folder::{CacheLocation, LoadProgress, SkipReport, load_image_folder};
use super::{DataError, ImageSet, Preprocessing, PreprocessingChoice};
use crate::safe_read::read_regular;

/// Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST.
pub const FASHION_MNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// Most pixels per image a dataset folder may hold (e.g. 256×256). The models grow with the image: the MLP
/// holds about 1,000 weights per pixel and the conv model about 2,000, each kept with its gradient and two
/// Adam moments (16 bytes), so 256×256 needs 1–2 GiB while 1000×1000 would need 16–32 GiB and abort.
pub const MAX_IMAGE_PIXELS: usize = 256 * 256;

/// Largest `classes.txt` read, in bytes.
const MAX_CLASSES_BYTES: u64 = 1 << 20;

/// Share of the bundled digits held out for evaluation.
pub const BUNDLED_HELDOUT_FRACTION: f64 = 0.1;
/// Seed of the bundled digits' train / held-out split.
pub const BUNDLED_SPLIT_SEED: u64 = 20_261_122;

const BUNDLED_IMAGES_GZ: &[u8] = include_bytes!("../../assets/mnist/train-images-idx3-ubyte.gz");
const BUNDLED_LABELS_GZ: &[u8] = include_bytes!("../../assets/mnist/train-labels-idx1-ubyte.gz");

const DIGIT_NAMES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const FASHION_NAMES: [&str; 10] =
    ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/// Which data to load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DataSource {
    /// The 10,000 MNIST digits shipped inside the app.
    #[default]
    Bundled,
    /// A folder with IDX files under their standard names.
    Folder(PathBuf),
    /// A folder of pictures, one subfolder per class (or none).
    ImageFolder {
        /// The folder.
        dir: PathBuf,
        /// Size, channels, fit and background asked for; open fields follow the pictures.
        preprocessing: PreprocessingChoice,
    },
}

impl DataSource {
    /// Parses a command-line value: `bundled` or a folder path (IDX or pictures, see [`Self::detect_folder`]).
    pub fn from_arg(arg: &str) -> Self {
        if arg == "bundled" { Self::Bundled } else { Self::detect_folder(Path::new(arg)) }
    }

    /// An IDX folder when `dir` holds `train-images-idx3-ubyte` (optionally `.gz`), else a folder of pictures
    /// with the preprocessing left to the pictures.
    pub fn detect_folder(dir: &Path) -> Self {
        if find_file(dir, "train-images-idx3-ubyte").is_some() {
            Self::Folder(dir.to_path_buf())
        } else {
            Self::ImageFolder { dir: dir.to_path_buf(), preprocessing: PreprocessingChoice::default() }
        }
    }

    /// This source with `choice` as the preprocessing of a picture folder; other sources are unchanged.
    pub fn with_preprocessing(self, choice: PreprocessingChoice) -> Self {
        match self {
            Self::ImageFolder { dir, .. } => Self::ImageFolder { dir, preprocessing: choice },
            other => other,
        }
    }

    /// Fashion-MNIST, when Debian's package has installed it.
    pub fn installed_fashion_mnist() -> Option<Self> {
        let dir = Path::new(FASHION_MNIST_DIR);
        find_file(dir, "train-images-idx3-ubyte").map(|_| Self::Folder(dir.to_path_buf()))
    }

    /// Reads the images and labels into memory.
    pub fn load(&self) -> Result<Dataset, DataError> {
        self.load_with_progress(&|_| {})
    }

    /// Like [`Self::load`], telling `progress` how far it has come (picture folders only; called from
    /// the decoding threads). Slow for a large picture folder the first time: call it off the UI thread.
    pub fn load_with_progress(&self, progress: &(dyn Fn(LoadProgress) + Sync)) -> Result<Dataset, DataError> {
        match self {
            Self::Bundled => load_bundled(),
            Self::Folder(dir) => load_folder(dir),
            Self::ImageFolder { dir, preprocessing } => {
                load_image_folder(dir, preprocessing, &CacheLocation::Platform, progress)
            }
        }
    }
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bundled => write!(f, "MNIST 10k (bundled)"),
            Self::Folder(dir) if dir == Path::new(FASHION_MNIST_DIR) => write!(f, "Fashion-MNIST"),
            Self::Folder(dir) | Self::ImageFolder { dir, .. } => write!(f, "{}", dir.display()),
        }
    }
}

/// Training and held-out images with their class names.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Human-readable name.
    pub name: String,
    /// Name of each class index.
    pub class_names: Vec<String>,
    /// Images to train on.
    pub train: ImageSet,
    /// Images to evaluate on, never trained on.
    pub heldout: ImageSet,
    /// False for a picture folder without class subfolders: its one class is no real class.
    pub has_classes: bool,
    /// Files of a picture folder that could not be used.
    pub skipped: SkipReport,
    /// How a picture folder's files became images; `None` for IDX data.
    pub preprocessing: Option<Preprocessing>,
    /// Each image's file for a picture folder (empty for IDX data).
    pub paths: SplitPaths,
}

/// The file of each image of a picture folder, relative to the folder and escaped onto one line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SplitPaths {
    /// One per training image, in the order of [`Dataset::train`].
    pub train: Vec<String>,
    /// One per held-out image, in the order of [`Dataset::heldout`].
    pub heldout: Vec<String>,
}

impl Dataset {
    /// What was read, on one line, as the CLI and the window's status bar say it: "read ‹name›: N
    /// training and M held-out images of ‹shape›".
    pub fn read_line(&self) -> String {
        format!(
            "read {}: {} training and {} held-out images of {}",
            crate::display_name::escaped(std::ffi::OsStr::new(&self.name)),
            self.train.len(),
            self.heldout.len(),
            self.train.shape()
        )
    }
}

fn load_bundled() -> Result<Dataset, DataError> {
    let images_path = Path::new("<bundled>/train-images-idx3-ubyte.gz");
    let labels_path = Path::new("<bundled>/train-labels-idx1-ubyte.gz");
    let images = parse_images(&gunzip_if_compressed(BUNDLED_IMAGES_GZ.to_vec(), images_path)?, images_path)?;
    let labels = parse_labels(&gunzip_if_compressed(BUNDLED_LABELS_GZ.to_vec(), labels_path)?, labels_path)?;
    let all = pair(images, labels, images_path, labels_path)?;
    let (train, heldout) = all.into_stratified_split(BUNDLED_HELDOUT_FRACTION, BUNDLED_SPLIT_SEED);
    Ok(Dataset {
        name: DataSource::Bundled.to_string(),
        class_names: names(&DIGIT_NAMES),
        train,
        heldout,
        has_classes: true,
        ..Dataset::default()
    })
}

fn load_folder(dir: &Path) -> Result<Dataset, DataError> {
    let missing = || DataError::MissingFiles { dir: dir.to_path_buf() };
    let train_images = find_file(dir, "train-images-idx3-ubyte").ok_or_else(missing)?;
    let train_labels = find_file(dir, "train-labels-idx1-ubyte").ok_or_else(missing)?;
    let train = read_pair(&train_images, &train_labels)?;
    let test_files = find_file(dir, "t10k-images-idx3-ubyte").zip(find_file(dir, "t10k-labels-idx1-ubyte"));
    let (train, heldout) = match test_files {
        Some((test_images, test_labels)) => {
            let test = read_pair(&test_images, &test_labels)?;
            if (test.height, test.width) != (train.height, train.width) {
                return Err(DataError::ShapeMismatch {
                    train: train_images,
                    train_size: format!("{}×{}", train.height, train.width),
                    test: test_images,
                    test_size: format!("{}×{}", test.height, test.width),
                });
            }
            (train, test)
        }
        None => train.stratified_split(BUNDLED_HELDOUT_FRACTION, BUNDLED_SPLIT_SEED),
    };
    let classes = train.labels.iter().chain(&heldout.labels).copied().max().map_or(0, usize::from) + 1;
    Ok(Dataset {
        name: DataSource::Folder(dir.to_path_buf()).to_string(),
        class_names: class_names(dir, classes)?,
        train,
        heldout,
        has_classes: true,
        ..Dataset::default()
    })
}

fn read_pair(images_path: &Path, labels_path: &Path) -> Result<ImageSet, DataError> {
    pair(read_images_limited(images_path, MAX_IMAGE_PIXELS)?, read_labels(labels_path)?, images_path, labels_path)
}

fn pair(
    images: super::idx::IdxImages,
    labels: Vec<u8>,
    images_path: &Path,
    labels_path: &Path,
) -> Result<ImageSet, DataError> {
    if images.count != labels.len() {
        return Err(DataError::CountMismatch {
            images: images_path.to_path_buf(),
            labels: labels_path.to_path_buf(),
            image_count: images.count,
            label_count: labels.len(),
        });
    }
    Ok(ImageSet { channels: 1, height: images.height, width: images.width, pixels: images.pixels, labels })
}

/// Class names: `classes.txt` in the folder (one per line, when it names every class), Fashion-MNIST's, or
/// the digits. A `classes.txt` that exists but is no regular UTF-8 text file of at most 1 MiB is an error.
fn class_names(dir: &Path, classes: usize) -> Result<Vec<String>, DataError> {
    let path = dir.join("classes.txt");
    if path.exists() {
        let bytes = read_regular(&path, MAX_CLASSES_BYTES)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| DataError::ClassNames { path: path.clone(), reason: "it is not UTF-8 text".to_string() })?;
        let listed: Vec<String> =
            text.lines().map(str::trim).filter(|line| !line.is_empty()).map(String::from).collect();
        if listed.len() >= classes {
            return Ok(listed);
        }
    }
    let looks_like_fashion = dir.to_string_lossy().to_lowercase().contains("fashion");
    Ok(match (looks_like_fashion, classes <= 10) {
        (true, true) => names(&FASHION_NAMES),
        (false, true) => names(&DIGIT_NAMES),
        _ => (0..classes).map(|class| class.to_string()).collect(),
    })
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| name.to_string()).collect()
}
