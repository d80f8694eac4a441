//! `vae-explorer sweep`: trains every combination of latent size, β and architecture in turn,
//! each with `train`'s own code into its own checkpoint folder, then writes the results table and
//! the reconstructions figure. A rerun skips finished runs and continues unfinished ones; a run
//! that fails is recorded and the sweep goes on.

use std::panic::AssertUnwindSafe;

use anyhow::{Context, Result, bail};
use burn::prelude::Device;

use super::SweepArgs;
use super::figure::{FIGURE_FILE, FigureRow, pick_images, write_figure};
use super::folder::claim_sweep_folder;
use super::plan::plan;
use super::results::{MARKDOWN_FILE, ResultRow, RunStatus, collect_row, write_tables};
use super::run_check::{RunStart, run_start};
use crate::checkpoint;
use crate::cli::train::run_train;
use crate::data::DataSource;
use crate::inference::{decode, encode_means};

/// Runs `vae-explorer sweep`.
///
/// Fails (after writing the tables and the figure) when any run failed, so a script notices;
/// the tables say which and why.
pub fn run_sweep(args: &SweepArgs) -> Result<()> {
    let runs = plan(args).map_err(anyhow::Error::msg)?;
    let _sweep_lock = claim_sweep_folder(&args.out)?;
    let starts: Vec<RunStart> = runs.iter().map(|run| run_start(run, args)).collect();
    for (run, start) in runs.iter().zip(&starts) {
        if let RunStart::Mismatch(difference) = start {
            bail!(
                "{} holds a run trained with another {difference}; rerun the sweep with the flags it was made with, or choose another --out",
                run.dir(&args.out).display()
            );
        }
    }
    let mut rows = Vec::with_capacity(runs.len());
    for (position, (run, start)) in runs.iter().zip(starts).enumerate() {
        let header = format!("[{}/{}] {}", position + 1, runs.len(), run.name);
        let status = match start {
            RunStart::Finished => {
                println!("{header}: finished in an earlier sweep, skipped (its model loads and its settings match)");
                RunStatus::Skipped
            }
            start => {
                if let RunStart::Damaged(reason) = &start {
                    let aside = move_aside(&run.dir(&args.out))?;
                    println!("{header}: damaged ({reason}); moved it to {} and training it again", aside.display());
                }
                let resume = start == RunStart::Resume;
                println!("{header}{}", if resume { ": continuing the unfinished run" } else { "" });
                let train_args = run.train_args(args, resume);
                match std::panic::catch_unwind(AssertUnwindSafe(|| run_train(&train_args))) {
                    Ok(Ok(())) => RunStatus::Trained,
                    Ok(Err(error)) => {
                        eprintln!("{header} failed: {error:#}; the sweep goes on");
                        RunStatus::Failed(format!("{error:#}"))
                    }
                    Err(payload) => {
                        let message = crate::inference::panic_message(payload.as_ref());
                        eprintln!("{header} failed unexpectedly: {message}; the sweep goes on");
                        RunStatus::Failed(format!("unexpected failure: {message}"))
                    }
                }
            }
        };
        rows.push(collect_row(&args.out, run, status));
    }
    write_tables(&args.out, &rows).context("cannot write the results table")?;
    let figure = write_reconstructions(args, &rows);
    println!("\n{}", super::results::to_markdown(&rows));
    println!("wrote {} and results.csv", args.out.join(MARKDOWN_FILE).display());
    figure?;
    let failed = rows.iter().filter(|row| matches!(row.status, RunStatus::Failed(_))).count();
    if failed > 0 {
        bail!("{failed} of {} runs failed (see {}); run the sweep again to retry them", rows.len(), MARKDOWN_FILE);
    }
    Ok(())
}

/// Renames a damaged run's folder to the first free `<name>.damaged-<n>` beside it (nothing is deleted).
fn move_aside(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let name = dir.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    for attempt in 1..=MAX_DAMAGED_COPIES {
        let aside = dir.with_file_name(format!("{name}.damaged-{attempt}"));
        if std::fs::symlink_metadata(&aside).is_err() {
            std::fs::rename(dir, &aside)
                .with_context(|| format!("cannot move the damaged run {} aside", dir.display()))?;
            return Ok(aside);
        }
    }
    bail!("{} holds {MAX_DAMAGED_COPIES} damaged copies of {name}; remove some and run the sweep again", dir.display())
}

/// Damaged copies of one run kept beside it before the sweep gives up.
const MAX_DAMAGED_COPIES: usize = 100;

/// Writes `reconstructions.png`: the chosen held-out images, then each run's reconstructions of
/// them (runs without a loadable model are left out, and named on the console).
fn write_reconstructions(args: &SweepArgs, rows: &[ResultRow]) -> Result<()> {
    let dataset =
        DataSource::from_arg(&args.input.name(None)?).load().context("cannot load the data for the figure")?;
    let set = &dataset.heldout;
    let indices = pick_images(set);
    let mut originals = Vec::new();
    set.write_batch(&indices, &mut originals);
    let mut figure = vec![FigureRow { label: "held-out".to_string(), pixels: originals }];
    for row in rows {
        let dir = row.run.dir(&args.out);
        let (model, latent_dim) = match checkpoint::load(&dir, &Device::flex()) {
            Ok((model, info)) if info.training.model.image_shape() == set.shape() => {
                (model, info.training.model.latent_dim)
            }
            Ok(_) => continue,
            Err(error) => {
                if !matches!(row.status, RunStatus::Failed(_)) {
                    eprintln!("{} is left out of the figure: {error}", row.run.name);
                }
                continue;
            }
        };
        let means = encode_means(&model, set, &indices);
        let label = if matches!(row.status, RunStatus::Failed(_)) {
            format!("{} (failed)", row.run.name)
        } else {
            row.run.name.clone()
        };
        figure.push(FigureRow { label, pixels: decode(&model, &means, latent_dim) });
    }
    let path = args.out.join(FIGURE_FILE);
    write_figure(&path, &figure, indices.len(), set.shape())?;
    println!("wrote {}", path.display());
    Ok(())
}
