//! The runs of a sweep: every combination of architecture, latent size and β, each named after
//! its settings (whether a run's folder already holds it is `sweep_run_check`'s job).

use std::path::{Path, PathBuf};

use super::SweepArgs;
use crate::cli::{ConvArgs, ModelArgs, TrainArgs};
use crate::model::Architecture;

/// Most runs one sweep may hold.
pub const MAX_SWEEP_RUNS: usize = 256;

/// One combination of settings, trained into `<out>/<name>`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    /// Folder name and row label, e.g. `mlp-latent2-beta1`.
    pub name: String,
    /// Encoder/decoder family.
    pub architecture: Architecture,
    /// Size of the latent space.
    pub latent_dim: usize,
    /// Weight of the KL term.
    pub beta: f64,
}

impl PlannedRun {
    /// The run's checkpoint folder inside the sweep's folder.
    pub fn dir(&self, sweep_dir: &Path) -> PathBuf {
        sweep_dir.join(&self.name)
    }

    /// The `train` arguments of this run (`resume` continues the checkpoint in its folder).
    pub fn train_args(&self, sweep: &SweepArgs, resume: bool) -> TrainArgs {
        let dir = self.dir(&sweep.out);
        TrainArgs {
            input: sweep.input.clone(),
            model: ModelArgs {
                architecture: self.architecture,
                latent_dim: self.latent_dim,
                recipe: sweep.recipe.clone(),
                conv: ConvArgs::default(),
            },
            likelihood_scale: None,
            beta: self.beta,
            kl_warmup: sweep.kl_warmup,
            loss: sweep.loss,
            epochs: sweep.epochs,
            resume: resume.then(|| dir.clone()),
            out: dir,
            given_flags: Vec::new(),
        }
    }
}

/// The folder name of a run: architecture, latent size and β, e.g. `conv-latent16-beta0.5`.
pub fn run_name(architecture: Architecture, latent_dim: usize, beta: f64) -> String {
    format!("{}-latent{latent_dim}-beta{beta}", architecture.name())
}

/// Every combination of the sweep's lists, architecture outermost, then latent size, then β;
/// repeated values count once. Fails on an empty list or more than [`MAX_SWEEP_RUNS`] runs.
pub fn plan(sweep: &SweepArgs) -> Result<Vec<PlannedRun>, String> {
    let architectures = distinct(&sweep.architectures);
    let latent_dims = distinct(&sweep.latent_dims);
    let betas = distinct(&sweep.betas);
    if architectures.is_empty() || latent_dims.is_empty() || betas.is_empty() {
        return Err("--arch, --latent-dim and --beta each need at least one value".to_string());
    }
    let count = architectures.len().saturating_mul(latent_dims.len()).saturating_mul(betas.len());
    if count > MAX_SWEEP_RUNS {
        return Err(format!("{count} combinations is more than the {MAX_SWEEP_RUNS} one sweep may train"));
    }
    let mut runs = Vec::with_capacity(count);
    for &architecture in &architectures {
        for &latent_dim in &latent_dims {
            for &beta in &betas {
                runs.push(PlannedRun {
                    name: run_name(architecture, latent_dim, beta),
                    architecture,
                    latent_dim,
                    beta,
                });
            }
        }
    }
    Ok(runs)
}

/// The values of `list` in order, each once.
fn distinct<T: PartialEq + Copy>(list: &[T]) -> Vec<T> {
    let mut seen = Vec::new();
    for &value in list {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn sweep(args: &[&str]) -> SweepArgs {
        let mut all = vec!["vae-explorer", "sweep", "--out", "/tmp/s"];
        all.extend_from_slice(args);
        let cli = crate::cli::Cli::parse_from(all);
        match cli.command {
            Some(crate::cli::CliCommand::Sweep(args)) => args,
            other => panic!("not a sweep: {other:?}"),
        }
    }

    #[test]
    fn every_combination_once_in_order() {
        let runs = plan(&sweep(&["--latent-dim", "2,4,2", "--beta", "0.5,1", "--arch", "mlp,conv"])).expect("plan");
        let names: Vec<&str> = runs.iter().map(|run| run.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "mlp-latent2-beta0.5",
                "mlp-latent2-beta1",
                "mlp-latent4-beta0.5",
                "mlp-latent4-beta1",
                "conv-latent2-beta0.5",
                "conv-latent2-beta1",
                "conv-latent4-beta0.5",
                "conv-latent4-beta1",
            ]
        );
    }

    #[test]
    fn a_run_becomes_train_arguments_in_its_own_folder() {
        let args = sweep(&["--latent-dim", "16", "--epochs", "3", "--seed", "7"]);
        let run = &plan(&args).expect("plan")[0];
        let train = run.train_args(&args, false);
        assert_eq!(train.out, PathBuf::from("/tmp/s/mlp-latent16-beta1"));
        assert_eq!((train.model.latent_dim, train.epochs, train.model.recipe.seed), (16, 3, 7));
        assert_eq!(train.resume, None);
        assert_eq!(run.train_args(&args, true).resume, Some(train.out));
    }

    #[test]
    fn too_many_runs_are_refused() {
        let dims: Vec<String> = (1..=64).map(|dim| dim.to_string()).collect();
        let error = plan(&sweep(&["--latent-dim", &dims.join(","), "--beta", "1,2,3,4,5"])).expect_err("too many");
        assert!(error.contains("320 combinations"), "{error}");
    }

    #[test]
    fn an_empty_folder_starts_fresh() {
        use super::super::run_check::{RunStart, run_start};
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args = sweep(&[]);
        args.out = dir.path().to_path_buf();
        assert_eq!(run_start(&plan(&args).expect("plan")[0], &args), RunStart::Fresh);
    }
}
