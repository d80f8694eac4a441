//! File and folder names as messages show them: on one line and told apart. A newline or other control
//! character in a name is written as an escape (`\n`, `\u{1b}`), and bytes that are not UTF-8 as `\xNN`,
//! so a name can neither forge a line of its own nor look like another name.

use std::ffi::OsStr;
use std::fmt::Write;
use std::path::Path;

/// `name` escaped onto one line, distinct for distinct byte strings that hold no backslash.
pub fn escaped(name: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escaped_bytes(name.as_bytes())
    }
    #[cfg(not(unix))]
    {
        escaped_bytes(name.to_string_lossy().as_bytes())
    }
}

/// `path` escaped onto one line (see [`escaped`]).
pub fn escaped_path(path: &Path) -> String {
    escaped(path.as_os_str())
}

fn escaped_bytes(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for character in chunk.valid().chars() {
            match character {
                '\n' => text.push_str("\\n"),
                '\r' => text.push_str("\\r"),
                '\t' => text.push_str("\\t"),
                control if control.is_control() => {
                    let _infallible = write!(text, "\\u{{{:x}}}", u32::from(control));
                }
                other => text.push(other),
            }
        }
        for byte in chunk.invalid() {
            let _infallible = write!(text, "\\x{byte:02x}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_on_one_line_and_apart() {
        assert_eq!(escaped(OsStr::new("a.png")), "a.png");
        assert_eq!(escaped(OsStr::new("x\nerror: forged.png")), "x\\nerror: forged.png");
        assert_eq!(escaped(OsStr::new("bell\u{7}\u{1b}[31m")), "bell\\u{7}\\u{1b}[31m");
        assert_eq!(escaped(OsStr::new("çà ✓")), "çà ✓");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let first = escaped(OsStr::from_bytes(b"bad\xff\xfeutf"));
            let second = escaped(OsStr::from_bytes(b"bad\xfe\xffutf"));
            assert_eq!(first, "bad\\xff\\xfeutf");
            assert_ne!(first, second);
        }
    }
}
