//! `vae-explorer export traversal`: decoded points along the direction from one class's mean
//! latent to another's ("3 → 8"), as a PNG strip.

use anyhow::{Context, Result, bail};

use super::TraversalArgs;
use crate::export::{provenance, write_grid_png};
use crate::inference::{MAX_MORPH_STEPS, ModelSnapshot, decode, encode_means};
use crate::latent::{Direction, class_mean};
use crate::render::{self, GridStyle, rendered_size};

/// Writes the traversal strip `--from-class` → `--to-class` of `--steps` frames.
pub(super) fn export_traversal(args: &TraversalArgs, snapshot: &ModelSnapshot) -> Result<()> {
    let picture = &args.picture;
    if !(2..=MAX_MORPH_STEPS).contains(&args.steps) {
        bail!("--steps must be 2 to {MAX_MORPH_STEPS}, not {}", args.steps);
    }
    let (Some(from_name), Some(to_name)) = (args.from_class.as_deref(), args.to_class.as_deref()) else {
        bail!("a traversal needs --from-class A and --to-class B (class names or indices)");
    };
    let shape = snapshot.image_shape();
    let style = GridStyle { scale: picture.scale, gutter_px: picture.gutter };
    let columns = render::strip_columns(args.steps, shape.width, &style);
    rendered_size(args.steps.div_ceil(columns), columns, shape.height, shape.width, &style)?;
    let dataset = picture.source.open_data_for(snapshot)?;
    let (from_class, to_class) =
        (class_index(from_name, &dataset.class_names)?, class_index(to_name, &dataset.class_names)?);
    let set = &dataset.heldout;
    let latent_dim = snapshot.latent_dim();
    let indices: Vec<usize> = (0..set.len()).collect();
    let means = encode_means(&snapshot.model, set, &indices);
    let mean_of = |class: u8, name: &str| {
        class_mean(&means, &set.labels, latent_dim, class)
            .with_context(|| format!("class {name} has no held-out image; choose another class"))
    };
    let direction = Direction { from: mean_of(from_class, from_name)?, to: mean_of(to_class, to_name)? };
    let strip = decode(&snapshot.model, &direction.traversal(args.steps), latent_dim);
    let grid = render::morph_strip(strip, shape, args.steps, columns);
    let (image_width, image_height) = write_grid_png(
        &picture.out,
        &grid,
        &style,
        &provenance(&snapshot.info, "traversal", snapshot.info.training.seed),
    )?;
    println!(
        "wrote {} ({image_width}×{image_height} pixels): class {from_name} → class {to_name} in {} steps, {:.3} apart \
         in latent space",
        picture.out.display(),
        args.steps,
        direction.length()
    );
    Ok(())
}

/// The class index named by `name`: a class name (case-insensitive) or an index below the class count.
pub(super) fn class_index(name: &str, class_names: &[String]) -> Result<u8> {
    let by_name = class_names.iter().position(|class| class.eq_ignore_ascii_case(name.trim()));
    let index = match by_name {
        Some(index) => index,
        None => match name.trim().parse::<usize>() {
            Ok(index) if class_names.is_empty() || index < class_names.len() => index,
            _ => bail!("no class {name:?}; the classes are: {}", class_names.join(", ")),
        },
    };
    u8::try_from(index).with_context(|| format!("class index {index} is above 255"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_name_or_index() {
        let names: Vec<String> = ["T-shirt", "Trouser", "Bag"].iter().map(|s| s.to_string()).collect();
        assert_eq!(class_index("trouser", &names).expect("name"), 1);
        assert_eq!(class_index("2", &names).expect("index"), 2);
        let error = class_index("5", &names).expect_err("out of range").to_string();
        assert!(error.contains("T-shirt, Trouser, Bag"), "{error}");
        assert!(class_index("Sandal", &names).is_err());
    }
}
