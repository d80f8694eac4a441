//! Export sizes: absurd scales, gutters and sizes end in one clear error before anything is drawn or written.

use std::process::Command;

use vae_explorer::export::{ExportError, ScatterFrame, gif_frame_count, read_png_text, write_scatter_gif};
use vae_explorer::image_shape::ImageShape;
use vae_explorer::render::{
    GridStyle, ImageGrid, MAX_EXPORT_PIXELS, MAX_EXPORT_SIDE_PX, RenderError, check_animation_size, rendered_size,
};

fn grid(rows: usize, cols: usize, side: usize) -> ImageGrid {
    let shape = ImageShape::grey(side, side);
    ImageGrid { rows, cols, shape, pixels: vec![0.5; rows * cols * side * side] }
}

#[test]
fn a_huge_gutter_is_refused_with_the_size_it_would_have() {
    let error = grid(20, 20, 28).to_rgb_image(&GridStyle { scale: 4, gutter_px: 10_000 }).unwrap_err();
    let side = 20 * 28 * 4 + 19 * 10_000;
    assert!(
        matches!(error, RenderError::ImageTooLarge { width, height } if width == side && height == side),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains(&format!("{side}×{side}")) && message.contains("--gutter"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn side_and_total_limits_hold_at_their_boundaries() {
    let style = GridStyle { scale: 1, gutter_px: 0 };
    let side = MAX_EXPORT_SIDE_PX as usize;
    assert_eq!(rendered_size(1, 1, 1, side, &style).expect("at the side limit"), (side as u32, 1));
    assert!(matches!(rendered_size(1, 1, 1, side + 1, &style), Err(RenderError::ImageTooLarge { .. })));
    let square = (MAX_EXPORT_PIXELS as f64).sqrt() as usize;
    assert!(rendered_size(1, 1, square, square, &style).is_ok());
    assert!(matches!(rendered_size(1, 1, square, square + 1, &style), Err(RenderError::ImageTooLarge { .. })));
    // Products that overflow u64 saturate and are refused, not wrapped.
    let huge = GridStyle { scale: 8, gutter_px: u32::MAX };
    assert!(matches!(
        rendered_size(usize::MAX, usize::MAX, usize::MAX, 1, &huge),
        Err(RenderError::ImageTooLarge { .. })
    ));
    // Today's largest legal grid (64×64 cells of 28×28 at scale 4) still fits.
    assert!(rendered_size(64, 64, 28, 28, &GridStyle { scale: 4, gutter_px: 2 }).is_ok());
}

#[test]
fn animations_and_scatter_gifs_are_bounded_too() {
    assert!(check_animation_size(64, 224, 224).is_ok());
    let error = check_animation_size(64, 16_384, 4096).unwrap_err();
    assert!(matches!(error, RenderError::AnimationTooLarge { frames: 64, .. }), "{error}");
    assert!(check_animation_size(usize::MAX, u32::MAX, u32::MAX).is_err());

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scatter.gif");
    let frames = [ScatterFrame { points: vec![[0.0, 0.0]], labels: vec![0], epoch: 1 }];
    let error = write_scatter_gif(&path, &frames, ["z0", "z1"], 100_000, 2.0, |_| [0, 0, 0]).unwrap_err();
    assert!(matches!(error, ExportError::Render(RenderError::ImageTooLarge { .. })), "{error}");
    assert!(!path.exists());
}

fn export(args: &[&str], out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .arg("export")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary")
}

#[test]
fn oversize_exports_on_the_command_line_fail_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [&[&str]; 4] = [
        &["grid", "--gutter", "10000"],
        &["grid", "--scale", "8", "--gutter", "2000"],
        &["grid", "--size", "64", "--scale", "8"],
        &["morph", "--from-index", "0", "--to-index", "1", "--steps", "300", "--gutter", "1000"],
    ];
    for args in cases {
        let out = dir.path().join("big.png");
        let output = export(args, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr.contains("the exported image would be") && stderr.contains("the limit is"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
    let output = export(&["grid", "--size", "100000"], &dir.path().join("g.png"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--size must be"));
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0, "nothing was written");
}

#[test]
fn reading_back_a_fifo_or_a_folder_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("grid.png");
    let status = Command::new("mkfifo").arg(&fifo).status().expect("run mkfifo");
    assert!(status.success());
    let (sender, receiver) = std::sync::mpsc::channel();
    let folder = dir.path().to_path_buf();
    std::thread::Builder::new()
        .name("read-back".to_string())
        .spawn(move || {
            let fifo_png = read_png_text(&fifo)
                .map(|_| ())
                .map_err(|error| (matches!(error, ExportError::NotRegular(_)), error.to_string()));
            let fifo_gif = gif_frame_count(&fifo)
                .map(|_| ())
                .map_err(|error| (matches!(error, ExportError::NotRegular(_)), error.to_string()));
            let folder_png = read_png_text(&folder).map(|_| ()).map_err(|error| error.to_string());
            let _ = sender.send(([fifo_png, fifo_gif], folder_png));
        })
        .expect("spawn a thread");
    let (fifo_results, folder_result) =
        receiver.recv_timeout(std::time::Duration::from_secs(60)).expect("the reads returned instead of blocking");
    for result in fifo_results {
        let (not_regular, message) = result.unwrap_err();
        assert!(not_regular && message.contains("is a FIFO"), "{message}");
    }
    assert!(folder_result.unwrap_err().contains("is a folder"));
}
