//! The batch-major ↔ channel-major copies around the host convolution's matrix products, and the
//! per-channel sums that are the bias gradient. Plain slices in, plain slices out.

use rayon::prelude::*;

/// [channels, images·positions] → `output` [images, channels, positions], adding `bias[c]` to
/// channel c (nothing where `bias` is shorter).
pub fn to_batch_major_into(values: &[f32], channels: usize, positions: usize, bias: &[f32], output: &mut [f32]) {
    let columns = values.len() / channels.max(1);
    for (index, map) in output.chunks_mut(positions.max(1)).enumerate() {
        let (image, channel) = (index / channels, index % channels);
        let start = channel * columns + image * positions;
        let shift = bias.get(channel).copied().unwrap_or(0.0);
        map.iter_mut().zip(&values[start..start + positions]).for_each(|(t, v)| *t = v + shift);
    }
}

/// [batch, channels, positions] → [channels, batch·positions], and each channel's sum.
pub fn to_channel_major(values: &[f32], batch: usize, channels: usize, positions: usize) -> (Vec<f32>, Vec<f32>) {
    let columns = batch * positions;
    let mut output = vec![0.0f32; channels * columns];
    let mut sums = vec![0.0f32; channels];
    if output.is_empty() {
        return (output, sums);
    }
    output.par_chunks_mut(columns).zip(sums.par_iter_mut()).enumerate().for_each(|(channel, (row, sum))| {
        let mut total = 0.0f64;
        for (image, target) in row.chunks_mut(positions).enumerate() {
            let start = (image * channels + channel) * positions;
            let source = &values[start..start + positions];
            target.copy_from_slice(source);
            total += sum_f64(source);
        }
        *sum = total as f32;
    });
    (output, sums)
}

/// Each channel's sum over the batch and positions of `values` ([batch, channels, positions]),
/// images summed in parallel (the last layer of an RGB decoder has three channels).
pub fn channel_sums(values: &[f32], channels: usize, positions: usize) -> Vec<f32> {
    let image_sums = |maps: &[f32]| -> Vec<f64> { maps.chunks(positions.max(1)).map(sum_f64).collect() };
    let add = |mut left: Vec<f64>, right: Vec<f64>| {
        left.iter_mut().zip(&right).for_each(|(sum, value)| *sum += value);
        left
    };
    let sums = values.par_chunks((channels * positions).max(1)).map(image_sums).reduce(|| vec![0.0f64; channels], add);
    sums.into_iter().map(|sum| sum as f32).collect()
}

/// The sum of `values` in f64, over eight independent running sums (one chain of dependent adds
/// ran at one add per four cycles: a tenth of a 64×64 conv step went to the bias gradients).
fn sum_f64(values: &[f32]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder().iter().map(|&v| f64::from(v)).sum::<f64>();
    for chunk in chunks {
        lanes.iter_mut().zip(chunk).for_each(|(lane, &value)| *lane += f64::from(value));
    }
    lanes.iter().sum::<f64>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_layouts_match_plain_loops() {
        let (batch, channels, positions) = (3, 2, 13);
        let values: Vec<f32> =
            (0..batch * channels * positions).map(|index| (index % 17) as f32 * 0.25 - 1.0).collect();
        let plain: Vec<f32> = (0..channels)
            .map(|channel| {
                let maps = (0..batch).flat_map(|image| {
                    let start = (image * channels + channel) * positions;
                    values[start..start + positions].iter()
                });
                maps.map(|&v| f64::from(v)).sum::<f64>() as f32
            })
            .collect();
        assert_eq!(channel_sums(&values, channels, positions), plain);
        let (rows, sums) = to_channel_major(&values, batch, channels, positions);
        assert_eq!(sums, plain);
        let mut back = vec![0.0; values.len()];
        to_batch_major_into(&rows, channels, positions, &[], &mut back);
        assert_eq!(back, values);
    }
}
