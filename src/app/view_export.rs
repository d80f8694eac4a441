//! Exporting what the latent views show: PNG grids with provenance, and the morph as a GIF.

use std::path::Path;

use super::explorer_state::ExplorerState;
use super::image_grids::PAIRS_PER_ROW;
use super::palette::class_color;
use super::view_settings::ViewSettings;
use crate::export::{
    GridStyle, ImageGrid, ScatterFrame, interleave_rows, provenance, write_gif, write_png, write_scatter_gif,
};
use crate::inference::SAMPLE_GRID_SIDE;

/// A picture the user can export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportView {
    /// The decoder sweep, as PNG.
    DecoderGrid,
    /// The 8 × 8 prior samples, as PNG.
    PriorSamples,
    /// Originals above their reconstructions, as PNG.
    Reconstructions,
    /// The morph strip, as PNG.
    MorphStrip,
    /// The sliders' decoded image, as PNG.
    DecodedPoint,
    /// The morph as a ping-pong animation, as GIF.
    MorphGif,
    /// The scatter at the end of each epoch of the current run, as GIF.
    ScatterGif,
}

impl ExportView {
    /// Short name, used in file names and the PNG's text.
    pub fn name(self) -> &'static str {
        match self {
            Self::DecoderGrid => "decoder-grid",
            Self::PriorSamples => "prior-samples",
            Self::Reconstructions => "reconstructions",
            Self::MorphStrip => "morph-strip",
            Self::DecodedPoint => "decoded-point",
            Self::MorphGif => "morph",
            Self::ScatterGif => "latent-evolution",
        }
    }

    /// File extension of the export.
    pub fn extension(self) -> &'static str {
        if matches!(self, Self::MorphGif | Self::ScatterGif) { "gif" } else { "png" }
    }
}

/// Writes `view` to `path`, or says why it cannot.
pub fn export_view(
    view: ExportView,
    state: &ExplorerState,
    settings: &ViewSettings,
    path: &Path,
) -> Result<(), String> {
    let Some(model) = &state.model else { return Err("there is no model yet: train or open one".to_string()) };
    let (height, width) = model.image_shape();
    let style = GridStyle { scale: settings.export.scale, gutter_px: settings.export.gutter_px };
    let missing = || format!("the {} view has nothing to export yet", view.name());
    let grid = |rows: usize, cols: usize, pixels: Vec<f32>| ImageGrid {
        rows,
        cols,
        cell_height: height,
        cell_width: width,
        pixels,
    };
    let mut seed = model.info.training.seed;
    let grid = match view {
        ExportView::DecoderGrid => {
            let (request, images) = state.grid.value.as_ref().ok_or_else(missing)?;
            grid(request.spec.size, request.spec.size, images.clone())
        }
        ExportView::PriorSamples => {
            let (sample_seed, images) = state.samples.value.as_ref().ok_or_else(missing)?;
            seed = *sample_seed;
            grid(SAMPLE_GRID_SIDE, SAMPLE_GRID_SIDE, images.clone())
        }
        ExportView::Reconstructions => {
            let (originals, reconstructions) = state.reconstructions.value.as_ref().ok_or_else(missing)?;
            let rows = interleave_rows(originals, reconstructions, height * width, PAIRS_PER_ROW);
            grid(rows.len() / (height * width * PAIRS_PER_ROW), PAIRS_PER_ROW, rows)
        }
        ExportView::MorphStrip => {
            let (request, _, strip) = state.morph.value.as_ref().ok_or_else(missing)?;
            grid(1, request.steps, strip.clone())
        }
        ExportView::DecodedPoint => {
            let (_, image) = state.decoded.value.as_ref().ok_or_else(missing)?;
            grid(1, 1, image.clone())
        }
        ExportView::ScatterGif => {
            if state.epoch_clouds.is_empty() {
                return Err(missing());
            }
            let frames: Vec<ScatterFrame> = state
                .epoch_clouds
                .iter()
                .map(|cloud| {
                    let projection = settings.plane.projection(cloud.latent_dim, cloud.pca.as_ref());
                    let points = (0..cloud.len()).map(|index| projection.project(cloud.mean(index))).collect();
                    ScatterFrame { points, labels: cloud.labels.clone() }
                })
                .collect();
            let color = |label: u8| {
                let color = class_color(label);
                [color.r(), color.g(), color.b()]
            };
            let fps = settings.export.gif_fps.min(4.0);
            return write_scatter_gif(path, &frames, 480, fps, color).map_err(|error| error.to_string());
        }
        ExportView::MorphGif => {
            let (_, _, strip) = state.morph.value.as_ref().ok_or_else(missing)?;
            let frames = strip
                .chunks_exact(height * width)
                .map(|frame| grid(1, 1, frame.to_vec()).to_gray_image(&style))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| error.to_string())?;
            return write_gif(path, &frames, settings.export.gif_fps, true).map_err(|error| error.to_string());
        }
    };
    let image = grid.to_gray_image(&style).map_err(|error| error.to_string())?;
    write_png(path, &image, &provenance(&model.info, view.name(), seed)).map_err(|error| error.to_string())
}
