//! Exporting what the latent views show: PNG grids with provenance, and animations as GIF.
//!
//! [`ExportJob::prepare`] copies what a view shows into plain data on the UI thread (cheap);
//! [`ExportJob::write`] renders, encodes and writes it, on the file thread.

use std::path::Path;
use std::sync::Arc;

use crate::app::explorer::state::ExplorerState;
use crate::app::palette::class_color;
use crate::app::settings::view_settings::{PlaneChoice, ViewSettings};
use crate::export::{ExportError, ScatterFrame, provenance, write_frames_gif, write_grid_png, write_scatter_gif};
use crate::inference::LatentCloud;
use crate::render::{self, GridStyle, ImageGrid};

/// Side of the evolution GIF's square frames, in pixels.
const SCATTER_GIF_SIDE_PX: u32 = 480;
/// Fastest frame rate of the evolution GIF (one frame per epoch).
const SCATTER_GIF_MAX_FPS: f32 = 4.0;

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
    /// The traversal strip along a class direction (or A → B), as PNG.
    Traversal,
    /// A point's nearest training images by pixels and by latent mean, as PNG.
    Neighbours,
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
            Self::Traversal => "traversal",
            Self::Neighbours => "neighbours",
        }
    }

    /// File extension of the export.
    pub fn extension(self) -> &'static str {
        if matches!(self, Self::MorphGif | Self::ScatterGif) { "gif" } else { "png" }
    }
}

/// Why a view could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ViewExportError {
    /// No model is shown yet.
    #[error("there is no model yet: train or open one")]
    NoModel,
    /// The view has not been computed yet.
    #[error("the {view} view has nothing to export yet")]
    NothingYet {
        /// The view's name.
        view: &'static str,
    },
    /// Rendering, encoding or writing failed.
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// What to write: plain data, no model and no UI state.
#[derive(Debug)]
enum Content {
    /// One grid as a PNG with provenance text.
    Png { grid: ImageGrid, text: Vec<(String, String)> },
    /// Morph frames as a ping-pong GIF.
    MorphGif { frames: Vec<ImageGrid>, fps: f32 },
    /// The scatter of each epoch as a GIF, projected on the file thread.
    ScatterGif { clouds: Vec<Arc<LatentCloud>>, plane: PlaneChoice, fps: f32 },
}

/// An export ready to run on another thread.
#[derive(Debug)]
pub struct ExportJob {
    view: ExportView,
    style: GridStyle,
    content: Content,
}

impl ExportJob {
    /// Copies what `view` shows, or says why there is nothing to export.
    pub fn prepare(view: ExportView, state: &ExplorerState, settings: &ViewSettings) -> Result<Self, ViewExportError> {
        let model = state.model.as_ref().ok_or(ViewExportError::NoModel)?;
        let shape = model.image_shape();
        let style = GridStyle { scale: settings.export.scale, gutter_px: settings.export.gutter_px };
        let missing = || ViewExportError::NothingYet { view: view.name() };
        let mut seed = model.info.training.seed;
        let grid = match view {
            ExportView::DecoderGrid => {
                let (request, images) = state.grid.value.as_ref().ok_or_else(missing)?;
                render::decoder_grid(images.clone(), shape, request.spec.size)
            }
            ExportView::PriorSamples => {
                let (sample_seed, images) = state.samples.value.as_ref().ok_or_else(missing)?;
                seed = *sample_seed;
                render::prior_samples(images.clone(), shape)
            }
            ExportView::Reconstructions => {
                let (originals, reconstructions) = state.reconstructions.value.as_ref().ok_or_else(missing)?;
                render::reconstructions(originals, reconstructions, shape)
            }
            ExportView::MorphStrip => {
                let (request, _, strip) = state.morph.value.as_ref().ok_or_else(missing)?;
                render::exported_strip(strip.clone(), shape, request.steps, &style)
            }
            ExportView::DecodedPoint => {
                let (_, image) = state.decoded.value.as_ref().ok_or_else(missing)?;
                render::single_image(image.clone(), shape)
            }
            ExportView::Traversal => {
                let (request, _, strip) = state.traversal.value.as_ref().ok_or_else(missing)?;
                render::exported_strip(strip.clone(), shape, request.steps, &style)
            }
            ExportView::Neighbours => {
                let found = state.neighbours.value.as_ref().ok_or_else(missing)?;
                let k = found.request.k;
                render::neighbour_rows(&found.decoded, &found.pixel_images, &found.latent_images, shape, k)
            }
            ExportView::ScatterGif => {
                if state.epoch_clouds.is_empty() {
                    return Err(missing());
                }
                let fps = settings.export.gif_fps.min(SCATTER_GIF_MAX_FPS);
                let content = Content::ScatterGif { clouds: state.epoch_clouds.clone(), plane: settings.plane, fps };
                return Ok(Self { view, style, content });
            }
            ExportView::MorphGif => {
                let (_, _, strip) = state.morph.value.as_ref().ok_or_else(missing)?;
                let frames = render::morph_frames(strip, shape);
                let content = Content::MorphGif { frames, fps: settings.export.gif_fps };
                return Ok(Self { view, style, content });
            }
        };
        let text = provenance(&model.info, view.name(), seed);
        Ok(Self { view, style, content: Content::Png { grid, text } })
    }

    /// The exported view.
    pub fn view(&self) -> ExportView {
        self.view
    }

    /// Renders, encodes and writes the file (atomically: a failure leaves nothing behind).
    pub fn write(self, path: &Path) -> Result<(), ViewExportError> {
        match self.content {
            Content::Png { grid, text } => {
                write_grid_png(path, &grid, &self.style, &text)?;
            }
            Content::MorphGif { frames, fps } => {
                write_frames_gif(path, &frames, &self.style, fps, true)?;
            }
            Content::ScatterGif { clouds, plane, fps } => {
                let frames = scatter_frames(&clouds, plane);
                let color = |label: u8| {
                    let color = class_color(label);
                    [color.r(), color.g(), color.b()]
                };
                let [x_name, y_name] = clouds
                    .last()
                    .map(|cloud| plane.cloud_projection(cloud).axis_names())
                    .unwrap_or_else(|| ["x".to_string(), "y".to_string()]);
                write_scatter_gif(path, &frames, [&x_name, &y_name], SCATTER_GIF_SIDE_PX, fps, color)?;
            }
        }
        Ok(())
    }
}

/// Writes `view` to `path` on the calling thread, or says why it cannot (the CLI and benches).
pub fn export_view(
    view: ExportView,
    state: &ExplorerState,
    settings: &ViewSettings,
    path: &Path,
) -> Result<(), ViewExportError> {
    ExportJob::prepare(view, state, settings)?.write(path)
}

/// One frame per epoch's cloud, each in the PCA basis the inference thread aligned to the
/// previous snapshot's (kept in the cloud), so the evolution GIF neither flips nor swaps axes.
/// A t-SNE/UMAP choice exports the PCA plane (a layout per epoch would not be comparable).
fn scatter_frames(clouds: &[Arc<LatentCloud>], plane: PlaneChoice) -> Vec<ScatterFrame> {
    clouds
        .iter()
        .map(|cloud| {
            let projection = plane.cloud_projection(cloud);
            let points = (0..cloud.len()).map(|index| projection.project(cloud.mean(index))).collect();
            ScatterFrame { points, labels: cloud.labels.clone(), epoch: cloud.epochs_done }
        })
        .collect()
}

#[cfg(test)]
mod scatter_gif_tests {
    use super::*;
    use crate::inference::ScatterSource;
    use crate::latent::Pca;

    #[test]
    fn gif_frames_use_each_clouds_aligned_basis_not_a_refit() {
        let means = vec![3.0, 0.5, 0.0, -3.0, -0.5, 0.1, 0.2, 2.0, -0.1, -0.2, -2.0, 0.0];
        let labels = vec![0, 1, 2, 3];
        let pca = Pca::fit(&means, 3).expect("a fit");
        let cloud = |pca: Pca| {
            Arc::new(LatentCloud {
                source: ScatterSource::Heldout,
                latent_dim: 3,
                means: means.clone(),
                labels: labels.clone(),
                indices: vec![0, 1, 2, 3],
                pca: Some(pca),
                epochs_done: 1,
                log_vars: Vec::new(),
                kl_per_dim_nats: Vec::new(),
                fingerprint: 0,
            })
        };
        // The second snapshot's basis was aligned to a map turned by 180°: its frame turns too.
        let frames = scatter_frames(&[cloud(pca.clone()), cloud(pca.negated())], PlaneChoice::Pca);
        for (first, second) in frames[0].points.iter().zip(&frames[1].points) {
            assert_eq!(*second, [-first[0], -first[1]]);
        }
        assert_ne!(frames[0].points, frames[1].points);
        let tsne = scatter_frames(&[cloud(pca)], PlaneChoice::Tsne);
        assert_eq!(tsne[0].points, frames[0].points, "a t-SNE choice exports the PCA plane");
    }
}
