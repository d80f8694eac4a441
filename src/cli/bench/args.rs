//! Arguments of `vae-explorer bench`.

use clap::Args;

use crate::cli::ConvArgs;
use crate::device::DeviceChoice;
use crate::image_shape::ImageShape;
use crate::model::Architecture;

/// `vae-explorer bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Devices to measure: cpu, gpu, or both.
    #[arg(long, value_delimiter = ',', default_value = "cpu,gpu")]
    pub devices: Vec<DeviceChoice>,
    /// Architectures to measure.
    #[arg(long = "arch", value_delimiter = ',', default_value = "mlp")]
    pub architectures: Vec<Architecture>,
    /// Image shapes to measure, HEIGHTxWIDTHxCHANNELS: 28x28x1 trains on the bundled digits, any
    /// other shape on synthetic images (e.g. 64x64x3).
    #[arg(long, value_delimiter = ',', default_value = "28x28x1", value_parser = parse_image_shape)]
    pub shapes: Vec<ImageShape>,
    /// Width and depth of the conv architecture.
    #[command(flatten)]
    pub conv: ConvArgs,
    /// Size of the latent space.
    #[arg(long, default_value_t = 2)]
    pub latent_dim: usize,
    /// Images per step.
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,
    /// Steps run before timing starts (kernel compilation, caches).
    #[arg(long, default_value_t = 10)]
    pub warmup_steps: usize,
    /// Steps timed.
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    /// The machine's f32 peak in GFLOP/s, when the one read from /proc/cpuinfo is wrong or missing.
    #[arg(long)]
    pub peak_gflops: Option<f64>,
    /// Measure the latent views instead: decode latency and the window's CPU time per frame.
    #[arg(long)]
    pub views: bool,
    /// Measure training with the real window's app running against headless training, and print
    /// `in-window / headless: R` last.
    #[arg(long)]
    pub window: bool,
    /// Seconds of training measured in each half of `--window` (after a 3 s warm-up).
    #[arg(long, default_value_t = 20.0)]
    pub window_secs: f64,
    /// Rounds of `--window`, headless and in-window alternated; the ratio is of the medians (the
    /// machine's speed drifts between the halves of one round).
    #[arg(long, default_value_t = 1)]
    pub window_rounds: usize,
}

/// Most steps `--steps` and `--warmup-steps` accept (a million MNIST steps take hours).
pub const MAX_BENCH_STEPS: usize = 1_000_000;

impl BenchArgs {
    /// Checks the numbers before anything runs, saying what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_BENCH_STEPS).contains(&self.steps) {
            return Err(format!("--steps must be 1 to {MAX_BENCH_STEPS}, not {}", self.steps));
        }
        if self.warmup_steps > MAX_BENCH_STEPS {
            return Err(format!("--warmup-steps must be 0 to {MAX_BENCH_STEPS}, not {}", self.warmup_steps));
        }
        if let Some(peak) = self.peak_gflops
            && !(peak.is_finite() && peak > 0.0)
        {
            return Err(format!("--peak-gflops must be a positive number of GFLOP/s, not {peak}"));
        }
        Ok(())
    }
}

/// Parses an image shape written HEIGHTxWIDTHxCHANNELS, such as 64x64x3.
fn parse_image_shape(text: &str) -> Result<ImageShape, String> {
    let parts: Vec<&str> = text.split(['x', '×']).collect();
    let [height, width, channels] = parts.as_slice() else {
        return Err(format!("expected HEIGHTxWIDTHxCHANNELS such as 64x64x3, not {text:?}"));
    };
    let parse = |part: &str| part.trim().parse::<usize>().map_err(|_| format!("{part:?} in {text:?} is not a count"));
    let shape = ImageShape { channels: parse(channels)?, height: parse(height)?, width: parse(width)? };
    if !matches!(shape.channels, 1 | 3) {
        return Err(format!("{text:?} has {} channels; bench trains on grey (1) or RGB (3) images", shape.channels));
    }
    Ok(shape)
}
