//! `vae-explorer eval`: every held-out measure of a saved model, printed one per line.

use anyhow::{Result, bail};
use burn::module::Module;

use super::EvalArgs;
use super::lpips_metric::lpips_for_metric;
use crate::quality::{COLLAPSED_KL_NATS, collapsed_dims, dims_by_kl};
use crate::training::{
    LPIPS_IMAGES, evaluate, heldout_lpips_of_first, heldout_quality, importance_weighted_nll_nats, neg_elbo_of,
};

/// Largest number of importance samples per image `--iw-samples` accepts.
pub const MAX_IW_SAMPLES: usize = 10_000;

/// Runs `vae-explorer eval`.
pub fn run_eval(args: &EvalArgs) -> Result<()> {
    if args.iw_samples.is_some_and(|samples| samples == 0 || samples > MAX_IW_SAMPLES) {
        bail!("--iw-samples must be between 1 and {MAX_IW_SAMPLES}");
    }
    let (snapshot, dataset) = args.source.open()?;
    let set = &dataset.heldout;
    let info = &snapshot.info;
    let config = &info.training;
    println!(
        "model: {}, latent {}, {} loss, β {}, {} epochs; data: {} held-out, {} images",
        snapshot.architecture_name(),
        config.model.latent_dim,
        config.describe_likelihood(),
        config.beta,
        info.epochs_done,
        dataset.name,
        set.len()
    );
    let loss = match snapshot.burn() {
        Some(model) => {
            // The −ELBO takes one posterior sample per image from the device's generator: seeded, so
            // that --seed repeats to the bit.
            if let Some(device) = model.devices().into_iter().next() {
                device.seed(args.seed);
            }
            evaluate(model, set, config.likelihood())
        }
        None => neg_elbo_of(&snapshot.model, set, config.likelihood(), args.seed),
    };
    if let Some(onnx) = snapshot.model.onnx() {
        println!(
            "ONNX model: decoder output {}; −ELBO under the {} likelihood of the decoded image, one posterior sample per image",
            onnx.decoder_output.name(),
            config.likelihood().describe()
        );
    }
    let comparable = if config.loss.is_likelihood() {
        ""
    } else {
        " — ms-ssim-l1 is not a likelihood: not comparable with other losses' −ELBO"
    };
    println!(
        "held-out -ELBO: {:.2} nats (reconstruction {:.2}, KL {:.2}){comparable}",
        loss.neg_elbo_nats(),
        loss.reconstruction_nats,
        loss.kl_nats
    );
    let quality = heldout_quality(&snapshot.model, set);
    let ssim = quality.ssim.map_or_else(|| "n/a (images smaller than 11×11)".to_string(), |ssim| format!("{ssim:.4}"));
    let lpips = lpips_for_metric(args.lpips_weights.as_deref(), set.shape())
        .and_then(|lpips| heldout_lpips_of_first(&snapshot.model, set, &lpips, LPIPS_IMAGES).ok().flatten())
        .map_or_else(
            || "n/a".to_string(),
            |lpips| format!("{lpips:.4} (first {} images)", set.len().min(LPIPS_IMAGES)),
        );
    println!("MSE: {:.5}  PSNR: {:.2} dB  SSIM: {ssim}  LPIPS: {lpips}", quality.mse, quality.psnr_db);
    println!("active units: {} of {}", quality.active_units, quality.kl_per_dim_nats.len());
    let kl: Vec<String> =
        quality.kl_per_dim_nats.iter().enumerate().map(|(dim, nats)| format!("z{dim} {nats:.3}")).collect();
    println!("KL per dimension (nats): {}", kl.join(", "));
    let order: Vec<String> = dims_by_kl(&quality.kl_per_dim_nats).iter().map(|dim| format!("z{dim}")).collect();
    let collapsed = collapsed_dims(&quality.kl_per_dim_nats).iter().filter(|&&collapsed| collapsed).count();
    println!("dimensions by KL: {}; collapsed (KL < {COLLAPSED_KL_NATS} nats): {collapsed}", order.join(", "));
    if let Some(samples) = args.iw_samples {
        if !config.loss.is_likelihood() {
            bail!("--iw-samples needs a likelihood: the model was trained with ms-ssim-l1, which is not one");
        }
        let Some(model) = snapshot.burn() else {
            bail!(
                "--iw-samples needs one of our models: the importance-weighted bound is not computed for ONNX graphs"
            );
        };
        let nll = importance_weighted_nll_nats(model, set, config.likelihood(), samples, args.seed);
        println!("-log p(x), importance-weighted with K = {samples}: {nll:.2} nats");
    }
    Ok(())
}
