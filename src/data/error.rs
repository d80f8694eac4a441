//! Errors about the user's data files: each names the file and says what to do.

use std::path::PathBuf;

/// Something wrong with a dataset on disk.
///
/// An OS or decoder error is part of a message (`cause`), never also its `source`: an error chain
/// (`{error:#}`) would say it twice.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read {shown_path}: {cause}", shown_path = crate::display_name::escaped_path(.path))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        cause: std::io::Error,
    },
    /// The file starts like gzip but does not decompress.
    #[error("{shown_path} is not a valid gzip file ({cause}); download it again", shown_path = crate::display_name::escaped_path(.path))]
    CorruptGzip {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        cause: std::io::Error,
    },
    /// The first four bytes are not the expected IDX magic number.
    #[error("{shown_path} is not an IDX {kind} file: magic number is 0x{found:08x}, expected 0x{expected:08x}", shown_path = crate::display_name::escaped_path(.path))]
    WrongMagic {
        /// The file.
        path: PathBuf,
        /// "images" or "labels".
        kind: &'static str,
        /// Magic number found.
        found: u32,
        /// Magic number expected.
        expected: u32,
    },
    /// The file ends before the data its header announces.
    #[error("{shown_path} is truncated: its header announces {expected} bytes, the file holds {found}; download it again", shown_path = crate::display_name::escaped_path(.path))]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes the header announces (header included).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The file (after decompression) goes on past the size its header announces; reading stopped there.
    #[error("{shown_path} holds more than its header says ({expected} bytes, header included); it is damaged or not an \
         IDX file: download it again", shown_path = crate::display_name::escaped_path(.path))]
    MoreThanHeader {
        /// The file.
        path: PathBuf,
        /// Bytes the header announces (header included).
        expected: u64,
    },
    /// The header announces more data than the reader accepts (or than fits in 64 bits).
    #[error("{shown_path} has a header announcing more than {max_bytes} bytes, more than vae-explorer reads; it is damaged or too large", shown_path = crate::display_name::escaped_path(.path))]
    HeaderTooLarge {
        /// The file.
        path: PathBuf,
        /// The largest accepted file, after decompression.
        max_bytes: u64,
    },
    /// The header announces images with a side longer than the reader accepts.
    #[error("{shown_path} announces {height}×{width} pixel images; sides over {max_side} pixels are refused", shown_path = crate::display_name::escaped_path(.path))]
    ImagesTooLarge {
        /// The file.
        path: PathBuf,
        /// Image height announced.
        height: usize,
        /// Image width announced.
        width: usize,
        /// The largest accepted side.
        max_side: usize,
    },
    /// The images are too large for the models the app trains.
    #[error("{shown_path} holds {height}×{width} pixel images; vae-explorer trains on at most {max_pixels} pixels per image \
         (e.g. 256×256): scale the images down", shown_path = crate::display_name::escaped_path(.path))]
    TooLargeToTrain {
        /// The file.
        path: PathBuf,
        /// Image height.
        height: usize,
        /// Image width.
        width: usize,
        /// The largest accepted number of pixels per image.
        max_pixels: usize,
    },
    /// The file is not a regular file, is too large, or cannot be opened.
    #[error(transparent)]
    File(#[from] crate::safe_read::SafeReadError),
    /// `classes.txt` exists but cannot be used.
    #[error("{shown_path} cannot be used for the class names: {reason}; fix or remove it", shown_path = crate::display_name::escaped_path(.path))]
    ClassNames {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Image and label files disagree on the number of items.
    #[error("{shown_images} holds {image_count} images but {shown_labels} holds {label_count} labels", shown_images = crate::display_name::escaped_path(.images), shown_labels = crate::display_name::escaped_path(.labels))]
    CountMismatch {
        /// Images file.
        images: PathBuf,
        /// Labels file.
        labels: PathBuf,
        /// Number of images.
        image_count: usize,
        /// Number of labels.
        label_count: usize,
    },
    /// The images have a zero dimension or there are none.
    #[error("{shown_path} holds no usable images ({count} images of {height}×{width} pixels)", shown_path = crate::display_name::escaped_path(.path))]
    Empty {
        /// The file.
        path: PathBuf,
        /// Number of images.
        count: usize,
        /// Image height.
        height: usize,
        /// Image width.
        width: usize,
    },
    /// A folder does not hold the standard file names.
    #[error("{shown_dir} holds no IDX dataset: expected train-images-idx3-ubyte and train-labels-idx1-ubyte (optionally .gz)", shown_dir = crate::display_name::escaped_path(.dir))]
    MissingFiles {
        /// The folder.
        dir: PathBuf,
    },
    /// An image folder (or the path given as one) cannot be listed.
    #[error("cannot read the folder {shown_dir}: {cause}; give a folder of pictures (one subfolder per class) or of IDX \
         files (train-images-idx3-ubyte, train-labels-idx1-ubyte)", shown_dir = crate::display_name::escaped_path(.dir))]
    FolderUnreadable {
        /// The folder.
        dir: PathBuf,
        /// What the OS said.
        cause: std::io::Error,
    },
    /// A folder holds neither pictures nor IDX files.
    #[error("{shown_dir} holds no pictures (PNG, JPEG, BMP, GIF or WebP) and no IDX dataset (train-images-idx3-ubyte and \
         train-labels-idx1-ubyte, optionally .gz); choose another folder", shown_dir = crate::display_name::escaped_path(.dir))]
    NoImages {
        /// The folder.
        dir: PathBuf,
    },
    /// Fewer than two pictures of the folder could be used.
    #[error("{shown_dir} holds {usable} usable pictures; at least two are needed to train ({skipped})", shown_dir = crate::display_name::escaped_path(.dir))]
    TooFewImages {
        /// The folder.
        dir: PathBuf,
        /// Pictures that could be used.
        usable: usize,
        /// The skipped files, on one line.
        skipped: String,
    },
    /// The folder holds more files than the loader looks at.
    #[error("{shown_dir} holds more than {max} {what}; choose a smaller folder", shown_dir = crate::display_name::escaped_path(.dir))]
    TooManyFiles {
        /// The folder.
        dir: PathBuf,
        /// The cap.
        max: usize,
        /// "pictures" or "entries".
        what: &'static str,
    },
    /// More class subfolders than labels can number.
    #[error("{shown_dir} has {count} class folders; at most {max} are supported: group the pictures into fewer folders", shown_dir = crate::display_name::escaped_path(.dir))]
    TooManyClasses {
        /// The folder.
        dir: PathBuf,
        /// Class folders found.
        count: usize,
        /// The cap.
        max: usize,
    },
    /// The decoded pictures would not fit the memory cap.
    #[error("{count} pictures of {shape} need more than the {max_mib} MiB vae-explorer holds in memory ({shown_dir}); \
         choose a smaller --image-size, --channels 1, or fewer pictures", shown_dir = crate::display_name::escaped_path(.dir))]
    TooLargeDataset {
        /// The folder.
        dir: PathBuf,
        /// Pictures listed.
        count: usize,
        /// Shape of one preprocessed picture.
        shape: String,
        /// The cap in MiB.
        max_mib: u64,
    },
    /// The pictures would need more memory than is available.
    #[error(transparent)]
    NotEnoughMemory(#[from] crate::memory_budget::NotEnoughMemory),
    /// A picture to import cannot be used.
    #[error("{shown_path} cannot be used as a picture ({reason}); use a PNG, JPEG, BMP, GIF or WebP file", shown_path = crate::display_name::escaped_path(.path))]
    ImageFile {
        /// The file (or the name of dropped data).
        path: PathBuf,
        /// Why, in a few words.
        reason: String,
    },
    /// The preprocessing asked for is out of range.
    #[error("{0}")]
    Preprocessing(String),
    /// Training and test files have different image sizes.
    #[error("{shown_train} has {train_size} images but {shown_test} has {test_size} images; use files of one size", shown_train = crate::display_name::escaped_path(.train), shown_test = crate::display_name::escaped_path(.test))]
    ShapeMismatch {
        /// Training images file.
        train: PathBuf,
        /// Training image size, "h×w".
        train_size: String,
        /// Test images file.
        test: PathBuf,
        /// Test image size, "h×w".
        test_size: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_a_newline_stays_on_one_line_in_every_message() {
        let path = PathBuf::from("pictures\nerror: forged");
        let error = DataError::Io { path, cause: std::io::Error::other("denied") };
        let text = error.to_string();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("pictures\\nerror: forged"), "{text}");
    }

    #[test]
    fn an_os_error_is_said_once_in_the_error_chain() {
        let path = PathBuf::from("pictures/a.png");
        let chain = |error: DataError| format!("{:#}", anyhow::Error::new(error));
        let io = chain(DataError::Io { path: path.clone(), cause: std::io::Error::other("denied") });
        assert_eq!(io, "cannot read pictures/a.png: denied");
        let memory = crate::memory_budget::NotEnoughMemory {
            what: "decoding".into(),
            needed_mib: 2,
            available_mib: 1,
            lower: "lower --image-size".into(),
        };
        let memory = chain(DataError::from(memory));
        assert_eq!(memory.matches("needs about").count(), 1, "{memory}");
        let file = crate::safe_read::SafeReadError::Io { path, cause: std::io::Error::other("denied") };
        assert_eq!(chain(DataError::from(file)).matches("denied").count(), 1);
    }
}
