//! The in-window file browser: what a file dialog shows when the desktop has no dialog of its
//! own (no XDG portal, no zenity) or it failed, so Open…, Save… and Export… always open
//! something. A folder is listed when the browser moves to it (one `read_dir`, capped), on a
//! thread of its own, so a slow disk or a network folder never stalls the window; the labels use
//! only the text glyphs egui's default fonts have.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use crate::app::actions::DialogRequest;

/// Most entries listed in one folder (the rest are counted).
const MAX_ENTRIES: usize = 5_000;

/// How often the window looks for a listing still being read.
const LISTING_POLL_INTERVAL: Duration = Duration::from_millis(30);

/// How the in-window browser ended this frame.
#[derive(Debug, PartialEq)]
pub enum BrowserOutcome {
    /// A path was chosen.
    Chosen(PathBuf),
    /// The user closed it.
    Cancelled,
}

/// What a request chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// An existing folder (or, to save a model, a new one under the folder shown).
    Folder,
    /// An existing file.
    OpenFile,
    /// A file name in the folder shown.
    SaveFile,
}

/// One listed folder or file.
#[derive(Clone, Debug)]
struct Entry {
    name: String,
    path: PathBuf,
    is_dir: bool,
}

/// A folder's listing: its entries (folders first) and how many were left out.
type Listing = Result<(Vec<Entry>, usize), String>;

/// An open in-window browser and the request it answers.
pub struct FileBrowser {
    request: DialogRequest,
    dir: PathBuf,
    /// The folder field, editable (Enter goes there).
    dir_text: String,
    listing: Listing,
    /// The listing of `dir` being read on its thread, until it arrives.
    pending: Option<Receiver<Listing>>,
    selected: Option<Entry>,
    /// The file name to save, or the new folder's name for a model to save.
    name: String,
}

impl FileBrowser {
    /// Opens a browser for `request`, showing `start_dir`.
    pub fn open(request: DialogRequest, start_dir: &Path) -> FileBrowser {
        let name = match request {
            DialogRequest::ExportFile(view) => format!("{}.{}", view.name(), view.extension()),
            _ => String::new(),
        };
        let mut browser = FileBrowser {
            request,
            dir: PathBuf::new(),
            dir_text: String::new(),
            listing: Ok((Vec::new(), 0)),
            pending: None,
            selected: None,
            name,
        };
        browser.go_to(start_dir);
        browser
    }

    /// What the browser answers.
    pub fn request(&self) -> DialogRequest {
        self.request
    }

    fn choice(&self) -> Choice {
        match self.request {
            DialogRequest::ExportFile(_) => Choice::SaveFile,
            DialogRequest::ImageFile(_) => Choice::OpenFile,
            DialogRequest::DataFolder
            | DialogRequest::ModelFolder
            | DialogRequest::SaveModelFolder
            | DialogRequest::RunsFolder => Choice::Folder,
        }
    }

    /// Shows `dir`, whose listing is read on a thread of its own (a listing still being read for
    /// the folder left is dropped).
    fn go_to(&mut self, dir: &Path) {
        self.dir = dir.to_path_buf();
        self.dir_text = dir.display().to_string();
        self.selected = None;
        self.listing = Ok((Vec::new(), 0));
        let (sender, receiver) = mpsc::channel();
        let listed = dir.to_path_buf();
        // The browser may have moved on by the time the listing is read; its send then fails, unread.
        let spawned = std::thread::Builder::new().name("file-browser listing".into()).spawn(move || {
            let _ = sender.send(list(&listed));
        });
        self.pending = match spawned {
            Ok(_) => Some(receiver),
            Err(error) => {
                self.listing = Err(format!("cannot list {}: no thread to read it ({error})", dir.display()));
                None
            }
        };
    }

    /// Takes the listing once its thread has read it; true while it is still being read.
    fn poll_listing(&mut self) -> bool {
        let Some(pending) = &self.pending else { return false };
        match pending.try_recv() {
            Ok(listing) => self.listing = listing,
            Err(TryRecvError::Empty) => return true,
            Err(TryRecvError::Disconnected) => {
                self.listing = Err(format!("cannot list {}: reading it failed", self.dir.display()));
            }
        }
        self.pending = None;
        false
    }

    /// The path the confirm button chooses now, if any.
    fn chosen(&self) -> Option<PathBuf> {
        let selected = self.selected.as_ref();
        match self.choice() {
            Choice::Folder if self.request == DialogRequest::SaveModelFolder && !self.name.trim().is_empty() => {
                Some(self.dir.join(self.name.trim()))
            }
            Choice::Folder => {
                Some(selected.filter(|entry| entry.is_dir).map_or_else(|| self.dir.clone(), |e| e.path.clone()))
            }
            Choice::OpenFile => selected.filter(|entry| !entry.is_dir).map(|entry| entry.path.clone()),
            Choice::SaveFile => (!self.name.trim().is_empty()).then(|| self.dir.join(self.name.trim())),
        }
    }

    /// Draws the browser; how it ended, once it has.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<BrowserOutcome> {
        if self.poll_listing() {
            ctx.request_repaint_after(LISTING_POLL_INTERVAL);
        }
        let mut open = true;
        let mut outcome = None;
        egui::Window::new(self.request.title())
            .collapsible(false)
            .resizable(true)
            .default_size([560.0, 420.0])
            .open(&mut open)
            .show(ctx, |ui| outcome = self.contents(ui));
        let escaped = ctx.input(|input| input.key_pressed(egui::Key::Escape));
        if !open || escaped { Some(BrowserOutcome::Cancelled) } else { outcome }
    }

    fn contents(&mut self, ui: &mut egui::Ui) -> Option<BrowserOutcome> {
        let mut go_to = None;
        let mut outcome = None;
        ui.horizontal(|ui| {
            let parent = self.dir.parent().map(Path::to_path_buf);
            if ui.add_enabled(parent.is_some(), egui::Button::new("Up")).on_hover_text("the folder above").clicked() {
                go_to = parent;
            }
            let field = ui.add(egui::TextEdit::singleline(&mut self.dir_text).desired_width(f32::INFINITY));
            if field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
                go_to = Some(PathBuf::from(self.dir_text.trim()));
            }
        });
        ui.separator();
        let choice = self.choice();
        let list_height = (ui.available_height() - 64.0).max(80.0);
        let mut clicked = None;
        egui::ScrollArea::vertical().max_height(list_height).auto_shrink([false, false]).show(ui, |ui| {
            if self.pending.is_some() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak("listing the folder…");
                });
                return;
            }
            match &self.listing {
                Err(error) => {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                Ok((entries, left_out)) => {
                    for entry in entries {
                        let label = if entry.is_dir { format!("{}/", entry.name) } else { entry.name.clone() };
                        if !entry.is_dir && choice == Choice::Folder {
                            ui.weak(label);
                            continue;
                        }
                        let is_selected = self.selected.as_ref().is_some_and(|selected| selected.path == entry.path);
                        let response = ui.selectable_label(is_selected, label);
                        if response.double_clicked() {
                            if entry.is_dir {
                                go_to = Some(entry.path.clone());
                            } else {
                                outcome = Some(BrowserOutcome::Chosen(entry.path.clone()));
                            }
                        } else if response.clicked() {
                            clicked = Some(entry.clone());
                        }
                    }
                    if *left_out > 0 {
                        ui.weak(format!("({left_out} more not listed)"));
                    }
                }
            }
        });
        if let Some(entry) = clicked {
            if !entry.is_dir && choice == Choice::SaveFile {
                self.name = entry.name.clone();
            }
            self.selected = Some(entry);
        }
        ui.separator();
        match (choice, self.request) {
            (Choice::SaveFile, _) => name_field(ui, "file name", &mut self.name),
            (_, DialogRequest::SaveModelFolder) => name_field(ui, "new folder (optional)", &mut self.name),
            _ => {}
        }
        ui.horizontal(|ui| {
            let chosen = self.chosen();
            let confirm = match choice {
                Choice::SaveFile => "Save",
                Choice::Folder if self.request == DialogRequest::SaveModelFolder => "Save here",
                _ => "Open",
            };
            let hover =
                chosen.as_ref().map_or_else(|| "choose a file first".to_string(), |path| path.display().to_string());
            if ui.add_enabled(chosen.is_some(), egui::Button::new(confirm)).on_hover_text(hover).clicked() {
                outcome = chosen.map(BrowserOutcome::Chosen);
            }
            if ui.button("Cancel").clicked() {
                outcome = Some(BrowserOutcome::Cancelled);
            }
        });
        if let Some(dir) = go_to {
            self.go_to(&dir);
        }
        outcome
    }
}

fn name_field(ui: &mut egui::Ui, label: &str, name: &mut String) {
    ui.horizontal(|ui| {
        ui.label(label);
        ui.add(egui::TextEdit::singleline(name).desired_width(f32::INFINITY));
    });
}

/// The entries of `dir`: folders first, then files, each by name; hidden ones (".name") left out.
fn list(dir: &Path) -> Listing {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    let mut listed = Vec::new();
    let mut left_out = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if listed.len() == MAX_ENTRIES {
            left_out += 1;
            continue;
        }
        // Links are followed, so a linked folder opens like a folder.
        let is_dir = entry.path().is_dir();
        listed.push(Entry { name, path: entry.path(), is_dir });
    }
    listed.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase())));
    Ok((listed, left_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_first_and_hidden_entries_are_left_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("b-folder")).expect("mkdir");
        std::fs::write(dir.path().join("a-file.png"), b"x").expect("write");
        std::fs::write(dir.path().join(".hidden"), b"x").expect("write");
        let (entries, left_out) = list(dir.path()).expect("a listing");
        let names: Vec<(&str, bool)> = entries.iter().map(|entry| (entry.name.as_str(), entry.is_dir)).collect();
        assert_eq!((names, left_out), (vec![("b-folder", true), ("a-file.png", false)], 0));
        let error = list(&dir.path().join("missing")).expect_err("no such folder");
        assert!(error.starts_with("cannot list") && error.contains("missing"), "{error}");
    }

    /// Waits for the listing's thread (the window polls it every frame instead).
    fn listed(mut browser: FileBrowser) -> FileBrowser {
        if let Some(pending) = browser.pending.take() {
            browser.listing = pending.recv().expect("the listing thread answers");
        }
        browser
    }

    #[test]
    fn a_folder_is_listed_on_its_own_thread_and_taken_when_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("pictures")).expect("mkdir");
        let mut browser = FileBrowser::open(DialogRequest::DataFolder, dir.path());
        while browser.poll_listing() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let names: Vec<String> = browser.listing.as_ref().expect("listed").0.iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["pictures"]);
        browser.go_to(&dir.path().join("missing"));
        assert!(
            browser.listing.as_ref().is_ok_and(|(entries, _)| entries.is_empty()),
            "the old entries are gone at once"
        );
        while browser.poll_listing() {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(browser.listing.as_ref().is_err_and(|error| error.starts_with("cannot list")));
    }

    #[test]
    fn a_folder_request_chooses_the_selected_folder_or_the_one_shown() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("pictures")).expect("mkdir");
        let mut browser = listed(FileBrowser::open(DialogRequest::DataFolder, dir.path()));
        assert_eq!(browser.chosen(), Some(dir.path().to_path_buf()));
        browser.selected = browser.listing.as_ref().ok().and_then(|(entries, _)| entries.first().cloned());
        assert_eq!(browser.chosen(), Some(dir.path().join("pictures")));
        let mut save = FileBrowser::open(DialogRequest::SaveModelFolder, dir.path());
        save.name = "my-model".to_string();
        assert_eq!(save.chosen(), Some(dir.path().join("my-model")));
        let image = FileBrowser::open(DialogRequest::ImageFile(0), dir.path());
        assert_eq!(image.chosen(), None, "no file chosen yet");
    }
}
