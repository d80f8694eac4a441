//! Names of tensors in a foreign file: the renames applied before matching (prefixes PyTorch's
//! wrappers add, and the user's own `--rename FROM=TO`), and lists of names cut to one line.

use burn::store::KeyRemapper;

use super::InteropError;

/// Names shown in an error before the rest are counted.
const NAMES_SHOWN: usize = 6;

/// Prefixes PyTorch's wrappers add to every name, removed before matching:
/// `DistributedDataParallel`/`DataParallel` (`module.`) and `torch.compile` (`_orig_mod.`).
const WRAPPER_PREFIXES: [&str; 2] = [r"^module\.", r"^_orig_mod\."];

/// One `--rename FROM=TO`: a regular expression over a tensor's name and its replacement
/// (`$1` for a group).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRename {
    /// The regular expression.
    pub from: String,
    /// Its replacement.
    pub to: String,
}

impl std::str::FromStr for KeyRename {
    type Err = String;

    /// `FROM=TO`, split at the first `=` (which a pattern then cannot hold).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some((from, to)) = text.split_once('=') else {
            return Err("expected FROM=TO, e.g. '^enc\\.=encoder.'".to_string());
        };
        if from.is_empty() {
            return Err("the pattern before '=' is empty".to_string());
        }
        Ok(Self { from: from.to_string(), to: to.to_string() })
    }
}

/// The remapper of the wrapper prefixes followed by `renames`, in order.
pub(super) fn remapper(renames: &[KeyRename]) -> Result<KeyRemapper, InteropError> {
    let mut remapper = KeyRemapper::new();
    for prefix in WRAPPER_PREFIXES {
        remapper = remapper.add_pattern(prefix, "").map_err(|error| bad_rename(prefix, &error))?;
    }
    for rename in renames {
        remapper =
            remapper.add_pattern(&rename.from, rename.to.as_str()).map_err(|error| bad_rename(&rename.from, &error))?;
    }
    Ok(remapper)
}

fn bad_rename(pattern: &str, error: &impl std::fmt::Display) -> InteropError {
    InteropError::BadRename { pattern: one_line(pattern), reason: one_line(&error.to_string()) }
}

/// `text` (a name read from a file, or a reader's message) escaped onto one line.
pub fn one_line(text: &str) -> String {
    crate::display_name::escaped(std::ffi::OsStr::new(text))
}

/// `names`, each escaped, the first few joined by ", " and the rest counted ("a, b and 3 more").
pub fn listed<S: AsRef<str>>(names: &[S]) -> String {
    let shown: Vec<String> = names.iter().take(NAMES_SHOWN).map(|name| one_line(name.as_ref())).collect();
    match names.len().saturating_sub(NAMES_SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_parse_at_the_first_equals_sign() {
        let rename: KeyRename = "^enc\\.(.*)=encoder.$1".parse().expect("parses");
        assert_eq!((rename.from.as_str(), rename.to.as_str()), ("^enc\\.(.*)", "encoder.$1"));
        assert!("no-equals".parse::<KeyRename>().is_err());
        assert!("=x".parse::<KeyRename>().is_err());
    }

    #[test]
    fn long_lists_are_cut_and_counted_on_one_line() {
        let names: Vec<String> = (0..9).map(|index| format!("w{index}")).collect();
        assert_eq!(listed(&names), "w0, w1, w2, w3, w4, w5 and 3 more");
        assert_eq!(listed(&["a\nb"]), "a\\nb");
    }
}
