//! File dialogs: the desktop's own on the dialog thread (the window keeps drawing while one is
//! open), or the in-window browser where the desktop has none or it failed; the chosen path comes
//! back as an action the next frame after it is chosen.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::file_browser::{BrowserOutcome, FileBrowser};

/// Environment variable that, set to `in-window`, skips the desktop's dialog for the in-window browser.
pub const FILE_DIALOG_ENV: &str = "VAE_EXPLORER_FILE_DIALOG";

/// A native dialog that answers "nothing chosen" sooner than this without zenity to fall back on
/// failed to open (no person cancels that fast): the in-window browser opens instead.
const NATIVE_FAILURE_WINDOW: Duration = Duration::from_millis(700);

/// Name of the dialog thread.
const DIALOG_THREAD_NAME: &str = "vae-dialog";

/// Why a dialog could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum DialogError {
    /// Another dialog is still open.
    #[error("a file dialog is already open: finish or cancel it first")]
    AlreadyOpen,
    /// The dialog thread could not start.
    #[error("cannot open a file dialog: {0}")]
    Spawn(std::io::Error),
    /// The dialog thread ended without an answer.
    #[error("the file dialog closed unexpectedly; try again")]
    Vanished,
}

/// What the dialog thread answers.
#[derive(Debug)]
enum NativeAnswer {
    /// A path was chosen.
    Chosen(PathBuf),
    /// The user cancelled.
    Cancelled,
    /// The desktop has no dialog, or it failed to open.
    Unavailable,
}

/// How a dialog ended.
#[derive(Debug)]
pub enum DialogOutcome {
    /// A path was chosen: what it asks for.
    Chosen(AppAction),
    /// The user cancelled.
    Cancelled,
    /// The dialog failed.
    Failed(DialogError),
}

/// The open dialog, if any: the desktop's (answering on its thread) or the in-window browser.
#[derive(Default)]
pub struct Dialogs {
    open: Option<(DialogRequest, Receiver<NativeAnswer>)>,
    browser: Option<FileBrowser>,
    /// Skip the desktop's dialog (set by [`FILE_DIALOG_ENV`], or by tests).
    in_window_only: bool,
    /// Where the in-window browser starts (the last folder chosen, else the home folder).
    start_dir: Option<PathBuf>,
}

impl Dialogs {
    /// Dialogs that use the desktop's where it has one, or only the in-window browser when
    /// [`FILE_DIALOG_ENV`] says `in-window`.
    pub fn from_env() -> Dialogs {
        let in_window_only = std::env::var(FILE_DIALOG_ENV).is_ok_and(|value| value == "in-window");
        Dialogs { in_window_only, ..Dialogs::default() }
    }

    /// Use only the in-window browser (`true`), or the desktop's dialog where there is one.
    pub fn set_in_window_only(&mut self, in_window_only: bool) {
        self.in_window_only = in_window_only;
    }

    /// Where the next in-window browser starts.
    pub fn set_start_dir(&mut self, dir: PathBuf) {
        self.start_dir = Some(dir);
    }

    /// Shows a dialog for `request`: the desktop's on the dialog thread, or the in-window browser;
    /// returns at once. `wake` is called when the desktop's dialog answers.
    pub fn ask(&mut self, request: DialogRequest, wake: impl Fn() + Send + 'static) -> Result<(), DialogError> {
        if self.is_open() {
            return Err(DialogError::AlreadyOpen);
        }
        if self.in_window_only || !native_dialog_possible() {
            self.open_browser(request);
            return Ok(());
        }
        let (sender, receiver) = channel();
        std::thread::Builder::new()
            .name(DIALOG_THREAD_NAME.to_string())
            .spawn(move || {
                let _ignored = sender.send(show_native(request));
                wake();
            })
            .map_err(DialogError::Spawn)?;
        self.open = Some((request, receiver));
        Ok(())
    }

    /// True while a dialog is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some() || self.browser.is_some()
    }

    /// True while the in-window browser is open.
    pub fn browser_is_open(&self) -> bool {
        self.browser.is_some()
    }

    /// How the open dialog ended, once it has; draws the in-window browser while it is open.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<DialogOutcome> {
        if let Some(browser) = &mut self.browser {
            let request = browser.request();
            let outcome = match browser.show(ctx)? {
                BrowserOutcome::Chosen(path) => self.chosen(request, path),
                BrowserOutcome::Cancelled => DialogOutcome::Cancelled,
            };
            self.browser = None;
            return Some(outcome);
        }
        let (request, answers) = self.open.as_ref()?;
        let request = *request;
        let outcome = match answers.try_recv() {
            Ok(NativeAnswer::Chosen(path)) => self.chosen(request, path),
            Ok(NativeAnswer::Cancelled) => DialogOutcome::Cancelled,
            Ok(NativeAnswer::Unavailable) => {
                self.open = None;
                self.open_browser(request);
                return None;
            }
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => DialogOutcome::Failed(DialogError::Vanished),
        };
        self.open = None;
        Some(outcome)
    }

    fn open_browser(&mut self, request: DialogRequest) {
        let start = self.start_dir.clone().or_else(home_dir).unwrap_or_else(|| PathBuf::from("."));
        self.browser = Some(FileBrowser::open(request, &start));
    }

    /// The action of `path` chosen for `request`; the next browser starts beside it.
    fn chosen(&mut self, request: DialogRequest, path: PathBuf) -> DialogOutcome {
        self.start_dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).map(Path::to_path_buf);
        DialogOutcome::Chosen(request.answered(path))
    }
}

/// The user's home folder.
fn home_dir() -> Option<PathBuf> {
    directories::UserDirs::new().map(|dirs| dirs.home_dir().to_path_buf())
}

/// False where the desktop surely has no dialog: on Linux and the BSDs, no session bus for an
/// XDG portal and no zenity on the `PATH`.
fn native_dialog_possible() -> bool {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return true;
    }
    session_bus_possible() || zenity_on_path()
}

fn session_bus_possible() -> bool {
    session_bus_named(std::env::var_os("DBUS_SESSION_BUS_ADDRESS"), std::env::var_os("XDG_RUNTIME_DIR"))
}

/// Whether a session bus address or a runtime folder holding the bus's socket is given; an empty
/// value names none (with it, the portal's library spends half a minute on `dbus-launch`).
fn session_bus_named(address: Option<std::ffi::OsString>, runtime_dir: Option<std::ffi::OsString>) -> bool {
    address.is_some_and(|address| !address.is_empty())
        || runtime_dir.is_some_and(|dir| !dir.is_empty() && Path::new(&dir).join("bus").exists())
}

fn zenity_on_path() -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()))
}

/// Shows the desktop's dialog for `request` and waits for the user (on the dialog thread); an
/// instant "nothing chosen" without zenity is the portal failing, not a person cancelling.
fn show_native(request: DialogRequest) -> NativeAnswer {
    let asked = Instant::now();
    match show(request) {
        Some(path) => NativeAnswer::Chosen(path),
        None if asked.elapsed() < NATIVE_FAILURE_WINDOW && !zenity_on_path() => NativeAnswer::Unavailable,
        None => NativeAnswer::Cancelled,
    }
}

/// Shows the platform's dialog for `request` and waits for the user (on the dialog thread).
fn show(request: DialogRequest) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new().set_title(request.title());
    match request {
        DialogRequest::DataFolder
        | DialogRequest::ModelFolder
        | DialogRequest::SaveModelFolder
        | DialogRequest::RunsFolder => dialog.pick_folder(),
        DialogRequest::ExportFile(view) => dialog
            .set_file_name(format!("{}.{}", view.name(), view.extension()))
            .add_filter(view.extension().to_uppercase(), &[view.extension()])
            .save_file(),
        DialogRequest::ImageFile(_) => {
            dialog.add_filter("Images", &["png", "jpg", "jpeg", "bmp", "gif", "webp"]).pick_file()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_bus_address_or_runtime_folder_names_no_session_bus() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("bus"), b"").expect("a socket stand-in");
        assert!(!session_bus_named(None, None));
        assert!(!session_bus_named(Some("".into()), Some("".into())));
        assert!(session_bus_named(Some("unix:path=/run/user/1000/bus".into()), None));
        assert!(session_bus_named(None, Some(dir.path().into())));
        assert!(!session_bus_named(None, Some(dir.path().join("missing").into())));
    }
}
